import { describe, expect, it } from 'vitest';
import { parseWireMessage } from './protocol';

const callId = '0b7f6c9e-1d2a-4c8e-9f00-123456789abc';

describe('parseWireMessage', () => {
  it.each([
    { v: 1, type: 'ring', callId, from: 'alice', kind: 'video' },
    { v: 1, type: 'accept', callId },
    { v: 1, type: 'decline', callId },
    { v: 1, type: 'busy', callId },
    { v: 1, type: 'hangup', callId },
    { v: 1, type: 'cancel', callId, reason: 'no-answer' },
    { v: 1, type: 'offer', callId, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' },
    { v: 1, type: 'answer', callId, sdp: 'v=0\r\n' },
  ])('accepts %o', (message) => {
    expect(parseWireMessage(message)).toEqual({ ok: true, message });
  });

  it('keeps only known fields', () => {
    const result = parseWireMessage({ v: 1, type: 'accept', callId, __proto__x: 1, extra: '<script>' });
    expect(result).toEqual({ ok: true, message: { v: 1, type: 'accept', callId } });
  });

  it.each([
    ['null', null],
    ['a string', 'ring'],
    ['an array', [1, 'ring']],
    ['a number', 42],
    ['no version', { type: 'accept', callId }],
    ['a future version', { v: 2, type: 'accept', callId }],
    ['a version as text', { v: '1', type: 'accept', callId }],
    ['no call id', { v: 1, type: 'accept' }],
    ['a short call id', { v: 1, type: 'accept', callId: 'abc' }],
    ['a call id with odd characters', { v: 1, type: 'accept', callId: '../../etc/passwd' }],
    ['an unknown type', { v: 1, type: 'explode', callId }],
    ['a ring with a bad handle', { v: 1, type: 'ring', callId, from: 'Alice', kind: 'video' }],
    ['a ring with a long handle', { v: 1, type: 'ring', callId, from: 'a'.repeat(16), kind: 'video' }],
    ['a ring with a bad kind', { v: 1, type: 'ring', callId, from: 'alice', kind: 'screen' }],
    ['a cancel with a bad reason', { v: 1, type: 'cancel', callId, reason: 'boom' }],
    ['an offer without a description', { v: 1, type: 'offer', callId }],
    ['an offer that is not SDP', { v: 1, type: 'offer', callId, sdp: '<html>' }],
    ['an answer as an object', { v: 1, type: 'answer', callId, sdp: { type: 'answer' } }],
    ['an answer of 1 MB', { v: 1, type: 'answer', callId, sdp: `v=0${'a'.repeat(1 << 20)}` }],
  ])('drops %s with a reason', (_name, data) => {
    const result = parseWireMessage(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
  });
});
