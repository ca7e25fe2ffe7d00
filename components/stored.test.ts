import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Handle } from '@/lib/handle';
import { pageHandle } from '@/lib/store';
import { storedSignal } from './stored';
import { Scope } from './view-model';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => fakeBrowser.reset());

describe('storedSignal', () => {
  it('is undefined until read, then follows the item', async () => {
    await pageHandle.setValue('alice' as Handle);
    const scope = new Scope();
    const handle = storedSignal(scope, pageHandle);
    expect(handle.value).toBeUndefined();
    await flush();
    expect(handle.value).toBe('alice');
    await pageHandle.setValue('bob' as Handle);
    await flush();
    expect(handle.value).toBe('bob');
    scope.dispose();
  });

  it('stops following once its scope is disposed', async () => {
    const scope = new Scope();
    const handle = storedSignal(scope, pageHandle);
    await flush();
    expect(handle.value).toBeNull();
    scope.dispose();
    await pageHandle.setValue('carol' as Handle);
    await flush();
    expect(handle.value).toBeNull();
  });
});

describe('Scope', () => {
  it('runs cleanups once, newest first, and at once when already disposed', () => {
    const order: string[] = [];
    const scope = new Scope();
    scope.onDispose(() => order.push('first'));
    scope.onDispose(() => order.push('second'));
    scope.dispose();
    scope.dispose();
    scope.onDispose(() => order.push('late'));
    expect(order).toEqual(['second', 'first', 'late']);
  });
});
