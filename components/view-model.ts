/**
 * View models: small objects of read-only signals and actions, built inside a Scope. The scope is
 * the one place that owns cleanup (storage watches, timers, event listeners, effects), so a page
 * tears everything down by disposing one thing.
 */
import { effect } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';

export class Scope {
  private cleanups: (() => void)[] = [];
  private disposed = false;

  /** Runs `cleanup` when the scope is disposed, or at once if it already was. */
  onDispose(cleanup: () => void): void {
    if (this.disposed) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** A signals effect that lives as long as the scope. */
  effect(fn: () => void | (() => void)): void {
    this.onDispose(effect(fn));
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Last acquired, first released, like nested try/finally.
    for (const cleanup of this.cleanups.reverse()) cleanup();
    this.cleanups = [];
  }
}

/** Builds a view model once per mounted component and disposes its scope on unmount. */
export function useViewModel<T>(create: (scope: Scope) => T): T {
  const [model, scope] = useMemo(() => {
    const scope = new Scope();
    return [create(scope), scope] as const;
  }, []);
  useEffect(() => () => scope.dispose(), [scope]);
  return model;
}
