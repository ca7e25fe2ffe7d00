/**
 * Typed runtime messages between Birdcall's contexts. Every message names its receiver in `to`,
 * because chrome.runtime.sendMessage reaches every extension page at once.
 * Receivers validate with the parse functions here and drop what does not fit.
 */
import * as v from 'valibot';
import { isHandle, type Handle } from './handle';
import type { CallKind, EndReason } from './call-state';
import type { MessageKey, Phrase } from './i18n';
import { CallIdSchema, CallKindSchema, IdentitySchema, type Identity, type ParseResult } from './wire';

const isCallId = (value: unknown): value is string => v.is(CallIdSchema, value);
const isCallKind = (value: unknown): value is CallKind => v.is(CallKindSchema, value);

/** Where on X call buttons are shown. */
export type Surface = 'profile' | 'hovercard' | 'chat' | 'postmenu';
const SURFACES: readonly Surface[] = ['profile', 'hovercard', 'chat', 'postmenu'];

/**
 * "X layout changed": a surface's anchors were not found on a page that had loaded. Only the URL
 * path and the names of Birdcall's own selector-registry anchors: nothing else from the page.
 */
export interface LayoutIssue {
  surface: Surface;
  path: string;
  anchors: string[];
}

/** What a content script on x.com may ask. */
export type PageRequest =
  | { to: 'background'; type: 'signed-in'; handle: Handle }
  | { to: 'background'; type: 'place-call'; handle: Handle; kind: CallKind }
  | ({ to: 'background'; type: 'layout-changed' } & LayoutIssue);

/** What Birdcall's own pages (popup, call window, options, permission) may ask. */
export type UiRequest =
  | PageRequest
  | { to: 'background'; type: 'accept' | 'decline' | 'hangup' }
  | { to: 'background'; type: 'set-muted'; muted: boolean }
  | { to: 'background'; type: 'set-camera-off'; cameraOff: boolean }
  | { to: 'background'; type: 'history-seen' }
  | { to: 'background'; type: 'signal-url-changed' }
  | { to: 'background'; type: 'media-permission-granted' }
  | { to: 'background'; type: 'sign-in' }
  /** Try Birdcall's service again now, not at the next backoff. */
  | { to: 'background'; type: 'retry-service' };

export type SignalStatus = 'offline' | 'connecting' | 'connected' | 'id-taken' | 'error';

/** What the offscreen document reports. */
export type OffscreenEvent =
  | { to: 'background'; type: 'offscreen-ready' }
  | { to: 'background'; type: 'signal-status'; status: SignalStatus; detail?: Phrase }
  | { to: 'background'; type: 'account'; identity: Identity | null; signIn: boolean }
  | { to: 'background'; type: 'sign-in-url'; url: string }
  | { to: 'background'; type: 'sign-in-failed'; detail: Phrase }
  | { to: 'background'; type: 'incoming'; callId: string; from: Handle; kind: CallKind; verified: boolean }
  | { to: 'background'; type: 'remote-accepted'; callId: string; verified: boolean }
  | { to: 'background'; type: 'media-connected' | 'media-interrupted'; callId: string }
  | { to: 'background'; type: 'ended'; callId: string; reason: EndReason; detail?: Phrase }
  | { to: 'background'; type: 'permission-needed' };

export type BackgroundMessage = UiRequest | OffscreenEvent;

/** Where the offscreen document finds Birdcall's service, and the handle x.com shows (a claim only). */
export interface ServiceConfig {
  /** The service's base URL, e.g. "http://127.0.0.1:9000/". */
  url: string;
  /** Used by services without X sign-in, where a handle is first come per device; else ignored. */
  claim: Handle | null;
}

/** What the background tells the offscreen document. */
export type OffscreenCommand =
  | { to: 'offscreen'; type: 'configure'; config: ServiceConfig | null }
  | { to: 'offscreen'; type: 'sign-in-start'; redirectUri: string }
  | { to: 'offscreen'; type: 'sign-in-finish'; redirectedTo: string }
  /** `alwaysRelay`: this call's connection is relay-only (the "Always relay calls" option, read as the call starts). */
  | { to: 'offscreen'; type: 'dial'; callId: string; peer: Handle; kind: CallKind; alwaysRelay: boolean }
  | { to: 'offscreen'; type: 'accept'; callId: string; alwaysRelay: boolean }
  | { to: 'offscreen'; type: 'decline' | 'hangup'; callId: string }
  | { to: 'offscreen'; type: 'set-muted'; muted: boolean }
  | { to: 'offscreen'; type: 'set-camera-off'; cameraOff: boolean }
  | { to: 'offscreen'; type: 'reconnect' };

/** The offscreen document's reply to every command, so senders know it, not another page, got it. */
export const OFFSCREEN_ACK = { handledBy: 'offscreen' } as const;

export function isOffscreenAck(reply: unknown): boolean {
  return typeof reply === 'object' && reply !== null && (reply as Fields).handledBy === 'offscreen';
}

/** The parts of chrome.runtime.MessageSender that decide what a sender may ask. */
export interface Sender {
  id?: string;
  url?: string;
  tab?: unknown;
}

const END_REASONS: readonly EndReason[] = [
  'hung-up',
  'remote-hung-up',
  'remote-media-unavailable',
  'declined',
  'no-answer',
  'unavailable',
  'cancelled',
  'busy',
  'failed',
  'answered-elsewhere',
  'declined-elsewhere',
  'rate-limited',
];
const SIGNAL_STATUSES: readonly SignalStatus[] = ['offline', 'connecting', 'connected', 'id-taken', 'error'];
const X_PAGE = /^https:\/\/(x|twitter)\.com\//;
const PAGE_REQUESTS: readonly string[] = ['signed-in', 'place-call', 'layout-changed'];
/** A URL path as X uses them: no query, no fragment, nothing but path characters. */
const URL_PATH = /^\/[A-Za-z0-9_\-/]{0,99}$/;
const ANCHOR_NAME = /^[A-Za-z]{1,40}$/;

type Fields = Record<string, unknown>;
const PhraseSchema = v.strictObject({
  key: v.pipe(v.string(), v.regex(/^\w{1,40}$/)),
  args: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(500))), v.maxLength(3))),
});
/** The offscreen document's words, as message keys the background looks up (it has no chrome.i18n). */
const isPhrase = (value: unknown): value is Phrase => v.is(PhraseSchema, value);
const phraseOf = (value: unknown) => (isPhrase(value) ? { detail: { key: value.key as MessageKey, ...(value.args ? { args: [...value.args] } : {}) } } : {});

/**
 * Validates a message for the background. Only this extension's contexts are heard; a content
 * script (a sender with a tab on x.com) may only report the handle, place a call and report a
 * layout change.
 */
export function parseBackgroundMessage(data: unknown, sender: Sender, ownId: string, ownOrigin: string): ParseResult<BackgroundMessage> {
  if (sender.id !== ownId) return { ok: false, error: 'message from another extension' };
  if (typeof data !== 'object' || data === null) return { ok: false, error: 'not an object' };
  const m = data as Fields;
  if (m.to !== 'background') return { ok: false, error: 'not for the background' };
  const fromOwnPage = typeof sender.url === 'string' && sender.url.startsWith(ownOrigin);
  const fromXPage = !fromOwnPage && sender.tab !== undefined && typeof sender.url === 'string' && X_PAGE.test(sender.url);
  if (!fromOwnPage && !fromXPage) return { ok: false, error: `sender ${String(sender.url)} is not allowed` };

  const message = checkFields(m);
  if (!message) return { ok: false, error: `malformed ${JSON.stringify(m.type)?.slice(0, 40)} message` };
  if (fromXPage && !PAGE_REQUESTS.includes(message.type)) {
    return { ok: false, error: `x.com pages may not send ${message.type}` };
  }
  return { ok: true, message };
}

function checkFields(m: Fields): BackgroundMessage | null {
  const to = 'background' as const;
  switch (m.type) {
    case 'signed-in':
      return isHandle(m.handle) ? { to, type: m.type, handle: m.handle } : null;
    case 'place-call':
      return isHandle(m.handle) && isCallKind(m.kind) ? { to, type: m.type, handle: m.handle, kind: m.kind } : null;
    case 'layout-changed':
      return SURFACES.includes(m.surface as Surface) &&
        typeof m.path === 'string' &&
        URL_PATH.test(m.path) &&
        Array.isArray(m.anchors) &&
        m.anchors.length >= 1 &&
        m.anchors.length <= 10 &&
        m.anchors.every((name) => typeof name === 'string' && ANCHOR_NAME.test(name))
        ? { to, type: m.type, surface: m.surface as Surface, path: m.path, anchors: [...(m.anchors as string[])] }
        : null;
    case 'accept':
    case 'decline':
    case 'hangup':
    case 'history-seen':
    case 'signal-url-changed':
    case 'media-permission-granted':
    case 'sign-in':
    case 'retry-service':
    case 'offscreen-ready':
    case 'permission-needed':
      return { to, type: m.type };
    case 'set-muted':
      return typeof m.muted === 'boolean' ? { to, type: m.type, muted: m.muted } : null;
    case 'set-camera-off':
      return typeof m.cameraOff === 'boolean' ? { to, type: m.type, cameraOff: m.cameraOff } : null;
    case 'signal-status':
      return SIGNAL_STATUSES.includes(m.status as SignalStatus) && (m.detail === undefined || isPhrase(m.detail))
        ? { to, type: m.type, status: m.status as SignalStatus, ...phraseOf(m.detail) }
        : null;
    case 'account':
      return (m.identity === null || v.is(IdentitySchema, m.identity)) && typeof m.signIn === 'boolean'
        ? { to, type: m.type, identity: m.identity as Identity | null, signIn: m.signIn }
        : null;
    case 'sign-in-url':
      return typeof m.url === 'string' && /^https?:\/\//.test(m.url) && m.url.length <= 2048 ? { to, type: m.type, url: m.url } : null;
    case 'sign-in-failed':
      return isPhrase(m.detail) ? { to, type: m.type, detail: phraseOf(m.detail).detail! } : null;
    case 'incoming':
      return isCallId(m.callId) && isHandle(m.from) && isCallKind(m.kind) && typeof m.verified === 'boolean'
        ? { to, type: m.type, callId: m.callId, from: m.from, kind: m.kind, verified: m.verified }
        : null;
    case 'remote-accepted':
      return isCallId(m.callId) && typeof m.verified === 'boolean' ? { to, type: m.type, callId: m.callId, verified: m.verified } : null;
    case 'media-connected':
    case 'media-interrupted':
      return isCallId(m.callId) ? { to, type: m.type, callId: m.callId } : null;
    case 'ended':
      return isCallId(m.callId) && END_REASONS.includes(m.reason as EndReason) && (m.detail === undefined || isPhrase(m.detail))
        ? { to, type: m.type, callId: m.callId, reason: m.reason as EndReason, ...phraseOf(m.detail) }
        : null;
    default:
      return null;
  }
}

/** Validates a command for the offscreen document: only the extension's own pages may send one. */
export function parseOffscreenCommand(data: unknown, sender: Sender, ownId: string, ownOrigin: string): ParseResult<OffscreenCommand> {
  if (sender.id !== ownId || typeof sender.url !== 'string' || !sender.url.startsWith(ownOrigin)) {
    return { ok: false, error: 'command from outside the extension' };
  }
  if (typeof data !== 'object' || data === null || (data as Fields).to !== 'offscreen') {
    return { ok: false, error: 'not for the offscreen document' };
  }
  const m = data as Fields;
  const to = 'offscreen' as const;
  switch (m.type) {
    case 'configure':
      return m.config === null || isServiceConfig(m.config)
        ? { ok: true, message: { to, type: m.type, config: m.config } }
        : { ok: false, error: 'malformed configure' };
    case 'sign-in-start':
      return typeof m.redirectUri === 'string' && m.redirectUri.length <= 200
        ? { ok: true, message: { to, type: m.type, redirectUri: m.redirectUri } }
        : { ok: false, error: 'malformed sign-in-start' };
    case 'sign-in-finish':
      return typeof m.redirectedTo === 'string' && m.redirectedTo.length <= 2048
        ? { ok: true, message: { to, type: m.type, redirectedTo: m.redirectedTo } }
        : { ok: false, error: 'malformed sign-in-finish' };
    case 'dial':
      return isCallId(m.callId) && isHandle(m.peer) && isCallKind(m.kind) && typeof m.alwaysRelay === 'boolean'
        ? { ok: true, message: { to, type: m.type, callId: m.callId, peer: m.peer, kind: m.kind, alwaysRelay: m.alwaysRelay } }
        : { ok: false, error: 'malformed dial' };
    case 'accept':
      return isCallId(m.callId) && typeof m.alwaysRelay === 'boolean'
        ? { ok: true, message: { to, type: m.type, callId: m.callId, alwaysRelay: m.alwaysRelay } }
        : { ok: false, error: 'malformed accept' };
    case 'decline':
    case 'hangup':
      return isCallId(m.callId) ? { ok: true, message: { to, type: m.type, callId: m.callId } } : { ok: false, error: `malformed ${m.type}` };
    case 'set-muted':
      return typeof m.muted === 'boolean' ? { ok: true, message: { to, type: m.type, muted: m.muted } } : { ok: false, error: 'malformed set-muted' };
    case 'set-camera-off':
      return typeof m.cameraOff === 'boolean'
        ? { ok: true, message: { to, type: m.type, cameraOff: m.cameraOff } }
        : { ok: false, error: 'malformed set-camera-off' };
    case 'reconnect':
      return { ok: true, message: { to, type: m.type } };
    default:
      return { ok: false, error: `unknown command ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}

function isServiceConfig(value: unknown): value is ServiceConfig {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Fields;
  return typeof c.url === 'string' && c.url.length <= 500 && (c.claim === null || isHandle(c.claim));
}
