/**
 * Everything Birdcall keeps, in one place. The background is stopped whenever Chrome likes, so
 * call state lives in session storage (gone when the browser quits) and history in local storage.
 * The popup and call window read these items and watch them; only the background writes call state.
 */
import { storage } from 'wxt/utils/storage';
import { IDLE, type CallState } from './call-state';
import type { CallRecord } from './history';
import type { Handle } from './handle';
import type { LayoutIssue, SignalStatus } from './messages';

export const callState = storage.defineItem<CallState>('session:call', { fallback: IDLE });
export const callWindowId = storage.defineItem<number | null>('session:callWindowId', { fallback: null });
export const signalStatus = storage.defineItem<{ status: SignalStatus; detail?: string }>('session:signal', {
  fallback: { status: 'offline' },
});

export const ownHandle = storage.defineItem<Handle | null>('local:handle', { fallback: null });
export const callHistory = storage.defineItem<CallRecord[]>('local:history', { fallback: [] });
/** The signaling server chosen on the options page; null means the build-time default. */
export const signalUrlOverride = storage.defineItem<string | null>('local:signalUrl', { fallback: null });
export const peerToken = storage.defineItem<string | null>('local:peerToken', { fallback: null });

/** A layout issue as stored: when it was last seen. */
export interface StoredLayoutIssue extends LayoutIssue {
  at: number;
}
/** The latest few "X layout changed" reports from the content script, newest first; the popup shows and dismisses them. */
export const layoutIssues = storage.defineItem<StoredLayoutIssue[]>('local:layoutIssues', { fallback: [] });
export const MAX_LAYOUT_ISSUES = 5;
