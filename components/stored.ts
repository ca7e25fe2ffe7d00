/** Signals bound to WXT storage items: read once, then kept current by the item's watch. */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { WxtStorageItem } from 'wxt/utils/storage';
import type { Scope } from './view-model';

/** The parts of a storage item a page reads. */
type ReadableItem<T> = Pick<WxtStorageItem<T, Record<string, never>>, 'getValue' | 'watch'>;

/** The item's value, or undefined until the first read has come back (so pages can wait instead of flashing a fallback). */
export type Stored<T> = ReadonlySignal<T | undefined>;

export function storedSignal<T>(scope: Scope, item: ReadableItem<T>): Stored<T> {
  const value = signal<T | undefined>(undefined);
  // Watch before reading, so a change between the two is not lost.
  scope.onDispose(item.watch((next) => (value.value = next)));
  void item.getValue().then((first) => {
    // A watched change may have landed first; it is newer than this read.
    if (!scope.isDisposed && value.peek() === undefined) value.value = first;
  });
  return value;
}
