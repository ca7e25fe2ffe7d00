import { describe, expect, it } from 'vitest';
import { parseHandle } from './handle';

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
