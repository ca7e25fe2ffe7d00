/**
 * Birdcall's peer-to-peer call-control protocol, carried on a PeerJS DataConnection that the
 * caller opens. PeerJS itself has no ring, decline or cancel, so these messages add them.
 *
 * caller -> callee: ring, cancel, hangup, answer    callee -> caller: accept, offer, decline, busy, hangup
 * "ring" is the DataConnection's metadata, so it arrives with the offer through the signaling
 * server; the rest go over the channel once it is open. With "accept" the callee sends an SDP
 * "offer" adding audio (and video) to that same connection; the caller replies with an "answer".
 * Every message carries the protocol version; anything else is dropped by parseWireMessage.
 */
import { isHandle, type Handle } from './handle';
import type { CallKind } from './call-state';

export const PROTOCOL_VERSION = 1;

export type WireMessage =
  | { v: 1; type: 'ring'; callId: string; from: Handle; kind: CallKind }
  | { v: 1; type: 'accept' | 'decline' | 'busy' | 'hangup'; callId: string }
  | { v: 1; type: 'cancel'; callId: string; reason: 'hung-up' | 'no-answer' }
  | { v: 1; type: 'offer' | 'answer'; callId: string; sdp: string };

const CALL_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
/** Far above a real audio+video description (a few KB), far below anything that hurts. */
const MAX_SDP_LENGTH = 64 * 1024;

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
    case 'offer':
    case 'answer':
      if (typeof m.sdp !== 'string' || m.sdp.length > MAX_SDP_LENGTH || !m.sdp.startsWith('v=0')) {
        return { ok: false, error: `${m.type} without a valid session description` };
      }
      return { ok: true, message: { v: 1, type: m.type, callId, sdp: m.sdp } };
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
