/**
 * Birdcall's peer-to-peer call-control protocol, carried on a PeerJS DataConnection that the
 * caller opens. PeerJS itself has no ring, decline or cancel, so these messages add them.
 *
 * caller -> callee: ring, cancel, hangup        callee -> caller: accept, decline, busy, hangup
 * "ring" is the DataConnection's metadata, so it arrives with the offer through the signaling
 * server; the rest go over the channel once it is open. After "accept" the callee places the
 * PeerJS media call back to the caller, tagged with callId.
 * Every message carries the protocol version; anything else is dropped by parseWireMessage.
 */
import { isHandle, type Handle } from './handle';
import type { CallKind } from './call-state';

export const PROTOCOL_VERSION = 1;

export type WireMessage =
  | { v: 1; type: 'ring'; callId: string; from: Handle; kind: CallKind }
  | { v: 1; type: 'accept' | 'decline' | 'busy' | 'hangup'; callId: string }
  | { v: 1; type: 'cancel'; callId: string; reason: 'hung-up' | 'no-answer' };

const CALL_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

export function isCallId(value: unknown): value is string {
  return typeof value === 'string' && CALL_ID_PATTERN.test(value);
}

export function isCallKind(value: unknown): value is CallKind {
  return value === 'audio' || value === 'video';
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

/** Checks a message from the network field by field; unknown fields are ignored, never trusted. */
export function parseWireMessage(data: unknown): ParseResult<WireMessage> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, error: 'not an object' };
  }
  const m = data as Record<string, unknown>;
  if (m.v !== PROTOCOL_VERSION) return { ok: false, error: `unsupported protocol version ${String(m.v)}` };
  if (!isCallId(m.callId)) return { ok: false, error: 'missing or malformed callId' };
  const callId = m.callId;
  switch (m.type) {
    case 'ring':
      if (!isHandle(m.from)) return { ok: false, error: 'ring without a valid caller handle' };
      if (!isCallKind(m.kind)) return { ok: false, error: 'ring without a valid kind' };
      return { ok: true, message: { v: 1, type: 'ring', callId, from: m.from, kind: m.kind } };
    case 'cancel':
      if (m.reason !== 'hung-up' && m.reason !== 'no-answer') return { ok: false, error: 'cancel without a valid reason' };
      return { ok: true, message: { v: 1, type: 'cancel', callId, reason: m.reason } };
    case 'accept':
    case 'decline':
    case 'busy':
    case 'hangup':
      return { ok: true, message: { v: 1, type: m.type, callId } };
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}

export function newCallId(): string {
  return crypto.randomUUID();
}
