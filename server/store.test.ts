import { describe, expect, it } from 'vitest';
import type { Handle } from '../lib/handle';
import { loadOrCreateServiceKey } from './identity/service-key';
import { openSqliteStore } from './store/sqlite-store';
import { tempDataDir } from './test-support/test-service';

const key = { kty: 'EC' as const, crv: 'P-256' as const, x: 'x', y: 'y' };
const h = (handle: string) => handle as Handle;

describe('sqlite store', () => {
  it('keeps devices, X bindings and the service key across a reopen', async () => {
    const dir = tempDataDir();
    let store = openSqliteStore(dir);
    const serviceKey = await loadOrCreateServiceKey(store);
    await store.touchDevice('d1', key, 1);
    await store.touchDevice('d2', key, 2);
    expect(await store.claimOpenHandle('d1', h('alice'))).toBe('bound');
    expect(await store.claimOpenHandle('d2', h('alice'))).toBe('taken');
    await store.bindXUser('d2', '42', h('bob'));
    await store.close();

    store = openSqliteStore(dir);
    expect((await loadOrCreateServiceKey(store)).publicJwk).toEqual(serviceKey.publicJwk);
    expect(await store.getDevice('d1')).toMatchObject({ openHandle: 'alice', createdAt: 1 });
    expect(await store.getDevice('d2')).toMatchObject({ xUserId: '42', openHandle: null });
    expect(await store.getXUser('42')).toEqual({ xUserId: '42', username: 'bob' });
    await store.touchDevice('d1', key, 5);
    expect(await store.getDevice('d1')).toMatchObject({ createdAt: 1, lastSeenAt: 5 });
    await store.close();
  });

  it('moves a username to the X user who has it now', async () => {
    const store = openSqliteStore(tempDataDir());
    await store.touchDevice('d1', key, 1);
    await store.touchDevice('d2', key, 1);
    await store.bindXUser('d1', '1', h('alice'));
    expect(await store.bindXUser('d2', '2', h('alice'))).toEqual({ displacedXUserId: '1' });
    expect(await store.getXUser('1')).toEqual({ xUserId: '1', username: null });
    expect(await store.getXUser('2')).toEqual({ xUserId: '2', username: 'alice' });
    expect(await store.bindXUser('d2', '2', h('alice'))).toEqual({ displacedXUserId: null });
    await store.close();
  });

  it('a device keeps its first open handle', async () => {
    const store = openSqliteStore(tempDataDir());
    await store.touchDevice('d1', key, 1);
    await store.claimOpenHandle('d1', h('alice'));
    expect(await store.claimOpenHandle('d1', h('carol'))).toBe('taken');
    expect((await store.getDevice('d1'))?.openHandle).toBe('alice');
    await store.close();
  });
});
