import { describe, expect, it } from 'vitest';
import { parseBackgroundMessage, parseOffscreenCommand, type Sender } from './messages';

const ownId = 'abcdefghijklmnopabcdefghijklmnop';
const origin = `chrome-extension://${ownId}/`;
const xTab: Sender = { id: ownId, url: 'https://x.com/bob', tab: { id: 3 } };
const popup: Sender = { id: ownId, url: `${origin}popup.html` };
const offscreen: Sender = { id: ownId, url: `${origin}offscreen.html` };

describe('parseBackgroundMessage', () => {
  it('lets an x.com content script report the handle and place a call', () => {
    expect(parseBackgroundMessage({ to: 'background', type: 'signed-in', handle: 'alice' }, xTab, ownId, origin).ok).toBe(true);
    expect(
      parseBackgroundMessage({ to: 'background', type: 'place-call', handle: 'bob', kind: 'video' }, { ...xTab, url: 'https://twitter.com/bob' }, ownId, origin)
        .ok,
    ).toBe(true);
  });
  it.each(['hangup', 'accept', 'decline', 'history-seen', 'signal-url-changed', 'offscreen-ready', 'sign-in', 'retry-service'])(
    'refuses %s from an x.com page',
    (type) => {
      const result = parseBackgroundMessage({ to: 'background', type }, xTab, ownId, origin);
      expect(result).toEqual({ ok: false, error: `x.com pages may not send ${type}` });
    },
  );
  it('refuses other extensions and other sites', () => {
    expect(parseBackgroundMessage({ to: 'background', type: 'hangup' }, { ...popup, id: 'other' }, ownId, origin).ok).toBe(false);
    expect(
      parseBackgroundMessage({ to: 'background', type: 'signed-in', handle: 'a' }, { id: ownId, url: 'https://evil.example/', tab: {} }, ownId, origin).ok,
    ).toBe(false);
    expect(
      parseBackgroundMessage({ to: 'background', type: 'signed-in', handle: 'a' }, { id: ownId, url: 'https://x.com.evil.example/', tab: {} }, ownId, origin)
        .ok,
    ).toBe(false);
  });
  it.each([
    { to: 'background', type: 'place-call', handle: 'Bob', kind: 'video' },
    { to: 'background', type: 'place-call', handle: 'bob', kind: 'fax' },
    { to: 'background', type: 'place-call', handle: 'bob-1', kind: 'audio' },
    { to: 'background', type: 'signed-in', handle: '' },
    { to: 'background', type: 'set-muted', muted: 'yes' },
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'exploded' },
    { to: 'background', type: 'incoming', callId: 'x', from: 'bob', kind: 'video', verified: true },
    { to: 'background', type: 'incoming', callId: 'call-0001', from: 'bob', kind: 'video' },
    { to: 'background', type: 'incoming', callId: 'call-0001', from: 'bob', kind: 'video', verified: 'yes' },
    { to: 'background', type: 'remote-accepted', callId: 'call-0001' },
    { to: 'background', type: 'account', identity: { handle: 'Alice', verified: true }, signIn: true },
    { to: 'background', type: 'account', identity: { handle: 'alice', verified: true, admin: true }, signIn: true },
    { to: 'background', type: 'account', identity: null },
    { to: 'background', type: 'sign-in-url', url: 'javascript:alert(1)' },
    { to: 'background', type: 'sign-in-url', url: `https://x.com/${'a'.repeat(2100)}` },
    { to: 'background', type: 'sign-in-failed' },
    { to: 'background', type: 'signal-status', status: 'great' },
    { to: 'background', type: 'signal-status', status: 'error', detail: "Birdcall's service is down" },
    { to: 'background', type: 'sign-in-failed', detail: { key: 'x<script>' } },
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'failed', detail: { key: 'mediaFailed', args: ['a', 'b', 'c', 'd'] } },
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'failed', detail: { key: 'mediaFailed', extra: true } },
    { to: 'background', type: 'nope' },
    { to: 'offscreen', type: 'hangup' },
    'hangup',
    null,
  ])('drops malformed %o', (data) => {
    expect(parseBackgroundMessage(data, popup, ownId, origin).ok).toBe(false);
  });
  it.each([
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'failed', detail: { key: 'mediaFailed', args: ['NotReadableError'] } },
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'answered-elsewhere' },
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'declined-elsewhere' },
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'rate-limited' },
    { to: 'background', type: 'incoming', callId: 'call-0001', from: 'bob', kind: 'video', verified: false },
    { to: 'background', type: 'remote-accepted', callId: 'call-0001', verified: true },
    { to: 'background', type: 'account', identity: { handle: 'alice', verified: true }, signIn: true },
    { to: 'background', type: 'account', identity: null, signIn: false },
    { to: 'background', type: 'sign-in-url', url: 'https://x.com/i/oauth2/authorize?client_id=abc' },
    { to: 'background', type: 'sign-in-failed', detail: { key: 'signInCancelled' } },
  ])('accepts the offscreen event %o with its fields', (event) => {
    expect(parseBackgroundMessage(event, offscreen, ownId, origin)).toEqual({ ok: true, message: event });
  });
  it.each(['sign-in', 'retry-service'])('accepts %s from the popup', (type) => {
    expect(parseBackgroundMessage({ to: 'background', type }, popup, ownId, origin)).toEqual({ ok: true, message: { to: 'background', type } });
  });
  it.each(['account', 'sign-in-url', 'sign-in-failed', 'incoming'])('refuses the offscreen event %s from an x.com page', (type) => {
    const data = {
      to: 'background',
      type,
      identity: null,
      signIn: false,
      url: 'https://x.com/',
      detail: { key: 'signInCancelled' },
      callId: 'call-0001',
      from: 'bob',
      kind: 'audio',
      verified: true,
    };
    expect(parseBackgroundMessage(data, xTab, ownId, origin)).toEqual({ ok: false, error: `x.com pages may not send ${type}` });
  });
});

describe('layout-changed', () => {
  const report = { to: 'background', type: 'layout-changed', surface: 'profile', path: '/bob/media', anchors: ['profileMoreButton', 'messageButton'] };

  it('is allowed from x.com pages and from the extension', () => {
    expect(parseBackgroundMessage(report, xTab, ownId, origin)).toEqual({ ok: true, message: report });
    expect(parseBackgroundMessage(report, popup, ownId, origin).ok).toBe(true);
  });

  it('keeps only the fields it knows', () => {
    const parsed = parseBackgroundMessage({ ...report, title: 'Bob (@bob) / X', html: '<div>' }, xTab, ownId, origin);
    expect(parsed).toEqual({ ok: true, message: report });
  });

  it.each([
    { surface: 'timeline' },
    { path: 'bob' },
    { path: '/bob?token=secret' },
    { path: '/bob#x' },
    { path: `/${'a'.repeat(120)}` },
    { path: '/bób' },
    { anchors: [] },
    { anchors: 'profileMoreButton' },
    { anchors: ['<img src=x>'] },
    { anchors: Array.from({ length: 11 }, () => 'followButton') },
  ])('drops a report with %o', (change) => {
    expect(parseBackgroundMessage({ ...report, ...change }, xTab, ownId, origin).ok).toBe(false);
  });
});

describe('parseOffscreenCommand', () => {
  const config = { url: 'http://127.0.0.1:9000/', claim: 'alice' };
  const background: Sender = { id: ownId, url: `${origin}background.js` };
  it.each([
    { to: 'offscreen', type: 'configure', config },
    { to: 'offscreen', type: 'configure', config: { ...config, claim: null } },
    { to: 'offscreen', type: 'configure', config: null },
    { to: 'offscreen', type: 'sign-in-start', redirectUri: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x' },
    { to: 'offscreen', type: 'sign-in-finish', redirectedTo: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x?ticket=a&result=b' },
    { to: 'offscreen', type: 'dial', callId: 'call-0001', peer: 'bob', kind: 'audio', alwaysRelay: false },
    { to: 'offscreen', type: 'reconnect' },
  ])('accepts %o from the extension', (command) => {
    expect(parseOffscreenCommand(command, background, ownId, origin)).toEqual({ ok: true, message: command });
  });
  it('refuses commands from x.com and malformed ones', () => {
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'hangup', callId: 'call-0001' }, xTab, ownId, origin).ok).toBe(false);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'configure', config: { ...config, claim: 'Not A Handle' } }, popup, ownId, origin).ok).toBe(false);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'configure', config: { claim: 'alice' } }, popup, ownId, origin).ok).toBe(false);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'sign-in-start', redirectUri: 5 }, popup, ownId, origin).ok).toBe(false);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'sign-in-finish', redirectedTo: 'x'.repeat(3000) }, popup, ownId, origin).ok).toBe(false);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'dial', callId: 'call-0001', peer: '@bob', kind: 'audio' }, popup, ownId, origin).ok).toBe(false);
  });
});
