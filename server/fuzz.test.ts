/**
 * Attackers throw junk at /control and /peerjs while two honest devices stay connected. The
 * service must not crash, every attacker socket that sent a bad frame must be closed, and the
 * honest devices must still be able to call each other.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LIMITS, newCallId, parseClientMessage, parseRelayFrame } from '../lib/wire';
import type { RunningService } from './service';
import { deviceWithHandle, TestDevice } from './test-support/device';
import { Inbox } from './test-support/inbox';
import { openRelay, relaySocket } from './test-support/relay';
import { startTestService } from './test-support/test-service';

type Attack = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array };
type Target = 'control-before-hello' | 'control-after-hello' | 'relay' | 'relay-bad-credentials';

const peerId = 'bc' + 'x'.repeat(30);
const templates: Record<string, unknown>[] = [
  { v: 1, type: 'hello', publicKey: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'BBBB' }, signature: 'AAAA' },
  { v: 1, type: 'ring', callId: newCallId(), to: 'alice', kind: 'audio' },
  { v: 1, type: 'accept', callId: newCallId() },
  { v: 1, type: 'sign-in-finish', ticket: 'abc', result: 'def' },
  { v: 1, type: 'ping' },
  { type: 'OFFER', dst: peerId, payload: { sdp: 'v=0' } },
  { type: 'HEARTBEAT' },
];

/** A template with one field added, replaced or removed: looks valid, is not. */
const wrongFields = fc
  .tuple(fc.constantFrom(...templates), fc.constantFrom('add', 'replace', 'remove'), fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
  .map(([template, how, name, value]) => {
    const frame: Record<string, unknown> = { ...template };
    const keys = Object.keys(frame);
    const key = keys[name.length % keys.length];
    if (how === 'add') frame[`x${name}`] = value;
    else if (how === 'replace') frame[key] = value === frame[key] ? [value] : value;
    else delete frame[key];
    return JSON.stringify(frame);
  });

const deepNesting = fc
  .tuple(fc.integer({ min: 7, max: 5000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

const oversized = fc
  .integer({ min: LIMITS.controlFrameBytes + 1, max: LIMITS.relayFrameBytes + 4096 })
  .map((size) => JSON.stringify({ v: 1, type: 'ping', pad: 'x'.repeat(size) }));

const attack: fc.Arbitrary<Attack> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ kind: 'text' as const, text })),
  fc.jsonValue().map((value) => ({ kind: 'text' as const, text: JSON.stringify(value) ?? 'null' })),
  deepNesting.map((text) => ({ kind: 'text' as const, text })),
  oversized.map((text) => ({ kind: 'text' as const, text })),
  wrongFields.map((text) => ({ kind: 'text' as const, text })),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => ({ kind: 'binary' as const, bytes })),
);
const target = fc.constantFrom<Target>('control-before-hello', 'control-after-hello', 'relay', 'relay-bad-credentials');

let service: RunningService;
let alice: TestDevice;
let bob: TestDevice;
let honestRelays: WebSocket[];

/** Opens an attacker socket at the target and returns it once it is ready for junk. */
async function attacker(where: Target): Promise<{ ws: WebSocket; inbox: Inbox<{ type: string }> }> {
  if (where === 'control-before-hello' || where === 'control-after-hello') {
    const device = await TestDevice.create();
    if (where === 'control-before-hello') await device.open(service);
    else await device.connect(service);
    return { ws: device.ws, inbox: device.inbox };
  }
  if (where === 'relay-bad-credentials') return relaySocket(service, peerId, 'guess');
  const device = await TestDevice.create();
  await device.connect(service);
  return openRelay(service, device);
}

/** Whether the service must close the socket for this frame (anything not a valid frame for that socket). */
function mustClose(where: Target, sent: Attack): boolean {
  if (sent.kind === 'binary' || where === 'control-before-hello' || where === 'relay-bad-credentials') return true;
  return where === 'control-after-hello' ? !parseClientMessage(sent.text).ok : !parseRelayFrame(sent.text).ok;
}

beforeAll(async () => {
  service = await startTestService();
  alice = await deviceWithHandle(service, 'alice');
  bob = await deviceWithHandle(service, 'bob');
  honestRelays = [alice, bob].map((d) => relaySocket(service, d.peerId, d.registered.peerToken).ws);
});
afterAll(() => service.close());

describe('fuzzing the sockets', () => {
  it('closes every attacker that sends a bad frame and never disturbs honest devices', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(target, attack, async (where, sent) => {
        const { ws, inbox } = await attacker(where);
        if (ws.readyState === WebSocket.CONNECTING) await new Promise((resolve) => ws.once('open', resolve));
        if (ws.readyState === WebSocket.OPEN) ws.send(sent.kind === 'binary' ? sent.bytes : sent.text);
        if (mustClose(where, sent)) await inbox.whenClosed(3000);
        else ws.terminate();
      }),
      { numRuns: 300, interruptAfterTimeLimit: 90_000 },
    );

    expect((await fetch(`${service.url}health`)).status).toBe(200);
    for (const ws of [alice.ws, bob.ws, ...honestRelays]) expect(ws.readyState).toBe(WebSocket.OPEN);
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming', (f) => f.callId === callId);
    bob.send({ type: 'accept', callId });
    expect(await alice.inbox.next('connect')).toMatchObject({ callId, peerId: bob.peerId });
  });
});
