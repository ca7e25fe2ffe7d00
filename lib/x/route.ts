/** What an x.com path shows, as far as Birdcall cares. */
import { parseHandle, type Handle } from '../handle';

/**
 * `chat` is X's Chat (DMs since Nov 2025) at `/i/chat` and `/i/chat/<conversation>`; its passcode
 * screen `/i/chat/pin` is `other`, like every other reserved page.
 */
export type Route = { kind: 'profile'; handle: Handle } | { kind: 'chat'; conversation: string | null } | { kind: 'other' };

const OTHER: Route = { kind: 'other' };
const CONVERSATION_SEGMENT = /^[A-Za-z0-9_:-]{1,100}$/;
const HANDLE_SEGMENT = /^[A-Za-z0-9_]{1,15}$/;
const PROFILE_TABS = new Set(['with_replies', 'media', 'likes', 'highlights', 'articles', 'affiliates', 'superfollows']);
/** First path segments that look like handles but are X's own pages (no account can take them). */
const RESERVED = new Set([
  'about',
  'account',
  'bookmarks',
  'communities',
  'compose',
  'connect_people',
  'download',
  'explore',
  'hashtag',
  'home',
  'i',
  'intent',
  'jobs',
  'lists',
  'login',
  'logout',
  'messages',
  'notifications',
  'onboarding',
  'premium',
  'premium_sign_up',
  'privacy',
  'search',
  'settings',
  'share',
  'signup',
  'topics',
  'tos',
  'who_to_follow',
]);

/** Parses a pathname (a query string or hash is ignored): `/<handle>` or `/<handle>/<tab>` is a profile. */
export function parseRoute(path: string): Route {
  const segments = path.replace(/[?#][\s\S]*$/, '').split('/');
  if (segments[0] !== '') return OTHER;
  if (segments.length > 2 && segments.at(-1) === '') segments.pop();
  const [, first = '', tab, ...rest] = segments;
  if (first === 'i' && tab === 'chat') return chatRoute(rest);
  if (rest.length > 0 || (tab !== undefined && !PROFILE_TABS.has(tab.toLowerCase()))) return OTHER;
  if (!HANDLE_SEGMENT.test(first) || RESERVED.has(first.toLowerCase())) return OTHER;
  const parsed = parseHandle(first);
  return parsed.ok ? { kind: 'profile', handle: parsed.handle } : OTHER;
}

function chatRoute(rest: string[]): Route {
  if (rest.length === 0) return { kind: 'chat', conversation: null };
  const [conversation = '', ...more] = rest;
  if (more.length > 0 || conversation.toLowerCase() === 'pin' || !CONVERSATION_SEGMENT.test(conversation)) return OTHER;
  return { kind: 'chat', conversation };
}

export function sameRoute(a: Route, b: Route): boolean {
  if (a.kind === 'profile') return b.kind === 'profile' && a.handle === b.handle;
  if (a.kind === 'chat') return b.kind === 'chat' && a.conversation === b.conversation;
  return b.kind === 'other';
}
