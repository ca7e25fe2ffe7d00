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
      parseBackgroundMessage({ to: 'background', type: 'place-call', handle: 'bob', kind: 'video' }, { ...xTab, url: 'https://twitter.com/bob' }, ownId, origin).ok,
    ).toBe(true);
  });
  it.each(['hangup', 'accept', 'decline', 'history-seen', 'signal-url-changed', 'offscreen-ready'])(
    'refuses %s from an x.com page',
    (type) => {
      const result = parseBackgroundMessage({ to: 'background', type }, xTab, ownId, origin);
      expect(result).toEqual({ ok: false, error: `x.com pages may not send ${type}` });
    },
  );
  it('refuses other extensions and other sites', () => {
    expect(parseBackgroundMessage({ to: 'background', type: 'hangup' }, { ...popup, id: 'other' }, ownId, origin).ok).toBe(false);
    expect(parseBackgroundMessage({ to: 'background', type: 'signed-in', handle: 'a' }, { id: ownId, url: 'https://evil.example/', tab: {} }, ownId, origin).ok).toBe(false);
    expect(parseBackgroundMessage({ to: 'background', type: 'signed-in', handle: 'a' }, { id: ownId, url: 'https://x.com.evil.example/', tab: {} }, ownId, origin).ok).toBe(false);
  });
  it.each([
    { to: 'background', type: 'place-call', handle: 'Bob', kind: 'video' },
    { to: 'background', type: 'place-call', handle: 'bob', kind: 'fax' },
    { to: 'background', type: 'place-call', handle: 'bob-1', kind: 'audio' },
    { to: 'background', type: 'signed-in', handle: '' },
    { to: 'background', type: 'set-muted', muted: 'yes' },
    { to: 'background', type: 'ended', callId: 'call-0001', reason: 'exploded' },
    { to: 'background', type: 'incoming', callId: 'x', from: 'bob', kind: 'video' },
    { to: 'background', type: 'signal-status', status: 'great' },
    { to: 'background', type: 'nope' },
    { to: 'offscreen', type: 'hangup' },
    'hangup',
    null,
  ])('drops malformed %o', (data) => {
    expect(parseBackgroundMessage(data, popup, ownId, origin).ok).toBe(false);
  });
  it('accepts offscreen events with their fields', () => {
    const ended = { to: 'background', type: 'ended', callId: 'call-0001', reason: 'failed', detail: 'No camera' };
    expect(parseBackgroundMessage(ended, offscreen, ownId, origin)).toEqual({ ok: true, message: ended });
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
  const config = { handle: 'alice', token: 'abcdef123456', server: { host: '127.0.0.1', port: 9000, path: '/', secure: false } };
  it('accepts commands from the extension', () => {
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'configure', config }, { id: ownId, url: `${origin}background.js` }, ownId, origin).ok).toBe(true);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'dial', callId: 'call-0001', peer: 'bob', kind: 'audio' }, popup, ownId, origin).ok).toBe(true);
  });
  it('refuses commands from x.com and malformed ones', () => {
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'hangup', callId: 'call-0001' }, xTab, ownId, origin).ok).toBe(false);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'configure', config: { ...config, token: 'a b' } }, popup, ownId, origin).ok).toBe(false);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'dial', callId: 'call-0001', peer: '@bob', kind: 'audio' }, popup, ownId, origin).ok).toBe(false);
  });
});
