import { describe, expect, it } from 'vitest';
import { handleForPeerId, parseHandle, peerIdForHandle, PEERJS_ID_PATTERN, type Handle } from './handle';

const legal = ['a', 'Alice', 'ALICE', '_a', 'a_', '__', '_', 'a__b', '123456', '0', 'abcdefghijklmno', '_1_2_3_4_5_6_7_'];

describe('parseHandle', () => {
  it.each(legal)('accepts %s and lowercases it', (raw) => {
    expect(parseHandle(raw)).toEqual({ ok: true, handle: raw.toLowerCase() });
  });
  it('strips one @ and surrounding space', () => {
    expect(parseHandle(' @Bob_1 ')).toEqual({ ok: true, handle: 'bob_1' });
  });
  it.each([
    ['', 'empty'],
    ['@', 'empty'],
    ['abcdefghijklmnop', 'longer'],
    ['a-b', 'characters'],
    ['a b', 'characters'],
    ['@@a', 'characters'],
    ['ålice', 'characters'],
    ['<script>', 'characters'],
  ])('refuses %j with a reason', (raw, reason) => {
    const result = parseHandle(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(reason);
  });
  it.each([null, undefined, 5, {}, ['a']])('refuses non-text %j', (raw) => {
    expect(parseHandle(raw).ok).toBe(false);
  });
});

describe('peerIdForHandle', () => {
  const handles = legal.map((raw) => raw.toLowerCase() as Handle);
  it.each(handles)('gives %s a valid PeerJS id that maps back', (handle) => {
    const id = peerIdForHandle(handle);
    expect(id).toMatch(PEERJS_ID_PATTERN);
    expect(id.startsWith('birdcall-v1-')).toBe(true);
    expect(handleForPeerId(id)).toBe(handle);
  });
  it('is the same for every spelling of a handle', () => {
    const ids = ['Alice', 'alice', '@ALICE'].map((raw) => {
      const r = parseHandle(raw);
      if (!r.ok) throw new Error(r.error);
      return peerIdForHandle(r.handle);
    });
    expect(new Set(ids).size).toBe(1);
  });
  it('never maps two handles to one id', () => {
    const many = ['a_0', 'a-0', 'a0', 'a_', 'a__', '_a', 'a', '0', '_0', '__0', 'a_b', 'ab'];
    const valid = many.flatMap((raw) => {
      const r = parseHandle(raw);
      return r.ok ? [r.handle] : [];
    });
    expect(new Set(valid.map(peerIdForHandle)).size).toBe(valid.length);
  });
  it.each(['alice', 'birdcall-v1-xAlice', 'birdcall-v1-xa-1', 'other-app-alice', 'birdcall-v1-x', 'birdcall-v1-xa--0'])(
    'refuses id %s that is not ours',
    (id) => {
      expect(handleForPeerId(id)).toBeNull();
    },
  );
});
