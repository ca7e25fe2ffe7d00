import { describe, expect, it } from 'vitest';
import { LIMITS, jsonDepthExceeds, parseClientMessage, parseRelayFrame, parseServerMessage } from './wire';

const key = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
const callId = '3b241101-e2bb-4255-8caf-4136c566a962';
const peerId = 'bc' + 'a1'.repeat(15);
const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJoYW5kbGUiOiJhIn0.c2ln';
const identity = { handle: 'alice', verified: true };

const clientFrames = [
  { type: 'hello', publicKey: key, signature: 'AAAA' },
  { type: 'hello', publicKey: key, signature: 'AAAA', claim: 'alice' },
  { type: 'sign-in-start', redirectUri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x' },
  { type: 'sign-in-start', redirectUri: 'https://6b577dd41e9d7e9f65bcd02738ee7f0d15d31f2d.extensions.allizom.org/x' },
  { type: 'sign-in-finish', ticket: 'abc', result: 'def' },
  { type: 'ring', callId, to: 'bob_2', kind: 'video' },
  ...(['accept', 'decline', 'busy', 'cancel', 'hangup'] as const).map((type) => ({ type, callId })),
  { type: 'hangup', callId, reason: 'media-unavailable' },
  { type: 'ping' },
].map((f) => ({ v: 1, ...f }));

const serverFrames = [
  { type: 'challenge', nonce: 'abc', signIn: true },
  {
    type: 'registered',
    deviceId: 'abc',
    identity,
    certificate: jws,
    serviceKey: key,
    peerId,
    peerToken: 'tok',
    iceServers: [{ urls: ['stun:x'] }],
    signIn: false,
  },
  { type: 'registered', deviceId: 'abc', identity: null, certificate: null, serviceKey: key, peerId, peerToken: 'tok', iceServers: [], signIn: true },
  { type: 'refused', reason: 'handle-taken', detail: '@a is in use on another device' },
  { type: 'sign-in-url', url: 'http://127.0.0.1:9000/auth/x/start?ticket=t' },
  { type: 'incoming', callId, from: identity, certificate: jws, kind: 'audio' },
  { type: 'connect', callId, peerId, remote: identity, certificate: jws },
  { type: 'ended', callId, reason: 'answered-elsewhere' },
  { type: 'ended', callId, reason: 'remote-media-unavailable' },
  { type: 'pong' },
].map((f) => ({ v: 1, ...f }));

describe('wire protocol', () => {
  it.each(clientFrames)('parses a valid client $type frame', (frame) => {
    expect(parseClientMessage(JSON.stringify(frame))).toEqual({ ok: true, message: frame });
  });

  it.each(serverFrames)('parses a valid service $type frame', (frame) => {
    expect(parseServerMessage(JSON.stringify(frame))).toEqual({ ok: true, message: frame });
  });

  it('parses PeerJS relay frames', () => {
    for (const frame of [{ type: 'HEARTBEAT' }, { type: 'OFFER', dst: peerId, payload: { sdp: 'v=0' } }, { type: 'LEAVE', dst: peerId }]) {
      expect(parseRelayFrame(JSON.stringify(frame))).toEqual({ ok: true, message: frame });
    }
  });

  it('refuses unknown fields at any depth, and reasons a hangup cannot give', () => {
    expect(parseClientMessage(JSON.stringify({ v: 1, type: 'ping', extra: 1 })).ok).toBe(false);
    expect(parseClientMessage(JSON.stringify({ v: 1, type: 'hangup', callId, reason: 'remote-hung-up' })).ok).toBe(false);
    expect(parseClientMessage(JSON.stringify({ v: 1, type: 'hello', publicKey: { ...key, d: 'private' }, signature: 'AAAA' })).ok).toBe(false);
    expect(parseRelayFrame(JSON.stringify({ type: 'HEARTBEAT', x: 1 })).ok).toBe(false);
  });

  it('refuses wrong types and values', () => {
    for (const frame of [
      { v: 2, type: 'ping' },
      { v: 1, type: 'nope' },
      { v: 1, type: 'ring', callId, to: 'Bob', kind: 'video' },
      { v: 1, type: 'ring', callId: 'short', to: 'bob', kind: 'video' },
      { v: 1, type: 'ring', callId, to: 'bob', kind: 'fax' },
      { v: 1, type: 'accept', callId: 42 },
      { v: 1, type: 'sign-in-start', redirectUri: 'https://evil.example/x' },
      { v: 1, type: 'sign-in-start', redirectUri: 'https://6b577dd41e9d7e9f65bcd02738ee7f0d15d31f2d.extensions.allizom.org.evil.example/x' },
      { v: 1, type: 'sign-in-start', redirectUri: 'https://evil.extensions.allizom.org/x' },
      { v: 1, type: 'hello', publicKey: key, signature: 'not base64!' },
      [1, 2],
      'ping',
      null,
    ]) {
      expect(parseClientMessage(JSON.stringify(frame)).ok, JSON.stringify(frame)).toBe(false);
    }
    expect(parseClientMessage('{not json').ok).toBe(false);
    expect(parseRelayFrame(JSON.stringify({ type: 'OFFER', dst: 'someone' })).ok).toBe(false);
  });

  it('refuses deep nesting before parsing it', () => {
    const deep = `{"v":1,"type":"ping","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(parseClientMessage(deep)).toEqual({ ok: false, error: `frame nests deeper than ${LIMITS.jsonDepth}` });
    expect(jsonDepthExceeds('"[[[[[[[[[["', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[', 2)).toBe(true);
  });

  it('refuses oversized frames', () => {
    const big = JSON.stringify({ v: 1, type: 'refused', reason: 'bad-frame', detail: 'x'.repeat(LIMITS.controlFrameBytes) });
    expect(parseClientMessage(big).ok).toBe(false);
    expect(parseServerMessage(big)).toMatchObject({ ok: false, error: expect.stringContaining('bytes is over') });
    const bigRelay = JSON.stringify({ type: 'OFFER', dst: peerId, payload: { sdp: 'x'.repeat(LIMITS.relayFrameBytes) } });
    expect(parseRelayFrame(bigRelay).ok).toBe(false);
  });
});
