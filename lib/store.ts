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
import type { Identity } from './wire';

/** Who this device is on Birdcall's service, as the service last said; null before it has. */
export interface Account {
  identity: Identity | null;
  /** The service offers "Sign in with X" (else handles are first come, unverified). */
  signIn: boolean;
}

export const callState = storage.defineItem<CallState>('session:call', { fallback: IDLE });
export const callWindowId = storage.defineItem<number | null>('session:callWindowId', { fallback: null });
/** Firefox: the media host's pinned tab has been open since the browser started (so if it is gone now, someone closed it). */
export const mediaHostOpened = storage.defineItem<boolean>('session:mediaHostOpened', { fallback: false });
/**
 * Whether Birdcall's service can be reached now, and why not. In local storage, where the content
 * script can read it (session storage is closed to content scripts): X's call buttons show it.
 */
export const signalStatus = storage.defineItem<{ status: SignalStatus; detail?: string }>('local:signal', {
  fallback: { status: 'connecting' },
});

export const account = storage.defineItem<Account | null>('local:account', { fallback: null });
/** The handle x.com's page shows as signed in: a claim without X sign-in, else only a notice. */
export const pageHandle = storage.defineItem<Handle | null>('local:handle', { fallback: null });
/** Why the last "Sign in with X" did not finish, until the next attempt. */
export const signInError = storage.defineItem<string | null>('session:signInError', { fallback: null });
export const callHistory = storage.defineItem<CallRecord[]>('local:history', { fallback: [] });
/** Birdcall's service chosen on the options page; null means the build-time default. */
/** "Always relay calls": this side uses relay-only ICE for the whole call, so the other side never learns its address. */
export const alwaysRelay = storage.defineItem<boolean>('local:alwaysRelay', { fallback: false });
export const signalUrlOverride = storage.defineItem<string | null>('local:signalUrl', { fallback: null });

/** A layout issue as stored: when it was last seen. */
export interface StoredLayoutIssue extends LayoutIssue {
  at: number;
}
/** The latest few "X layout changed" reports from the content script, newest first; the popup shows and dismisses them. */
export const layoutIssues = storage.defineItem<StoredLayoutIssue[]>('local:layoutIssues', { fallback: [] });
export const MAX_LAYOUT_ISSUES = 5;
