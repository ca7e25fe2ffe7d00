import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Handle } from '@/lib/handle';
import type { OffscreenCommand } from '@/lib/messages';
import * as store from '@/lib/store';
import { createCallController } from './call-controller';
import type { Platform } from './platform';

function fakePlatform() {
  const log = {
    shown: [] as string[],
    cleared: [] as string[],
    windows: 0,
    sent: [] as OffscreenCommand[],
    badge: [] as number[],
    permissionPages: 0,
    offscreenAlive: true,
  };
  const platform: Platform = {
    showIncomingNotification: async (callId, from, kind) => void log.shown.push(`${callId}:${from}:${kind}`),
    clearIncomingNotification: async (callId) => void log.cleared.push(callId),
    openCallWindow: async (existing) => {
      log.windows++;
      return existing ?? 7;
    },
    offscreenExists: async () => log.offscreenAlive,
    sendToOffscreen: async (command) => void log.sent.push(command),
    setMissedBadge: async (count) => void log.badge.push(count),
    openPermissionPage: async () => void log.permissionPages++,
  };
  return { platform, log };
}

const bg = { to: 'background' } as const;
const callId = 'call-0001-aaaa';

describe('call controller', () => {
  let log: ReturnType<typeof fakePlatform>['log'];
  let controller: ReturnType<typeof createCallController>;
  let clock = 1000;

  beforeEach(async () => {
    fakeBrowser.reset();
    const fake = fakePlatform();
    log = fake.log;
    clock = 1000;
    controller = createCallController(fake.platform, () => clock);
    await controller.handle({ ...bg, type: 'signed-in', handle: 'alice' as Handle });
  });

  it('learning the handle configures the offscreen peer with a saved token and the build default server', async () => {
    const configure = log.sent.find((c) => c.type === 'configure');
    expect(configure).toMatchObject({ config: { handle: 'alice', server: { host: expect.any(String) } } });
    const token = await store.peerToken.getValue();
    expect(token).toMatch(/^[a-z0-9]{32}$/);
    // The same token survives a restart of everything but storage.
    const again = createCallController(fakePlatform().platform);
    expect(await again.handle({ ...bg, type: 'offscreen-ready' })).toMatchObject({ ok: true, config: { token } });
  });

  it('place-call opens the call window in outgoing and dials', async () => {
    expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' })).toEqual({ ok: true });
    expect(await store.callState.getValue()).toMatchObject({ phase: 'outgoing', call: { peer: 'bob', kind: 'video' } });
    expect(log.windows).toBe(1);
    expect(log.sent.at(-1)).toMatchObject({ type: 'dial', peer: 'bob', kind: 'video' });
  });

  it('a second call while in a call focuses the window and dials nothing', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    const sent = log.sent.length;
    const reply = await controller.handle({ ...bg, type: 'place-call', handle: 'carol' as Handle, kind: 'audio' });
    expect(reply).toEqual({ ok: false, error: 'You are already in a call.' });
    expect(log.windows).toBe(2);
    expect(log.sent.length).toBe(sent);
  });

  it('refuses to call yourself, or anyone before the handle is known', async () => {
    expect(await controller.handle({ ...bg, type: 'place-call', handle: 'alice' as Handle, kind: 'audio' })).toMatchObject({ ok: false });
    await store.ownHandle.setValue(null);
    expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'audio' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('x.com'),
    });
  });

  it('incoming call: notification, accept from button 0, connected, remote hang-up, history', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'video' });
    expect(log.shown).toEqual([`${callId}:bob:video`]);
    await controller.onNotificationButton(callId, 0);
    expect(log.cleared).toEqual([callId]);
    expect(log.sent.at(-1)).toEqual({ to: 'offscreen', type: 'accept', callId });
    expect(log.windows).toBe(1);
    clock = 2000;
    await controller.handle({ ...bg, type: 'media-connected', callId });
    clock = 62_000;
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'remote-hung-up' });
    expect(await store.callHistory.getValue()).toEqual([
      expect.objectContaining({ callId, handle: 'bob', direction: 'incoming', kind: 'video', outcome: 'answered', durationMs: 60_000, seen: true }),
    ]);
  });

  it('decline from button 1 tells the caller and records a declined call', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'audio' });
    await controller.onNotificationButton(callId, 1);
    expect(log.sent.at(-1)).toEqual({ to: 'offscreen', type: 'decline', callId });
    expect(log.cleared).toEqual([callId]);
    expect((await store.callHistory.getValue())[0]).toMatchObject({ outcome: 'declined' });
  });

  it('a cancelled ring clears the notification, records a missed call and badges it until seen', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'audio' });
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
    expect(log.cleared).toEqual([callId]);
    expect((await store.callHistory.getValue())[0]).toMatchObject({ outcome: 'missed', seen: false });
    expect(log.badge.at(-1)).toBe(1);
    await controller.handle({ ...bg, type: 'history-seen' });
    expect(log.badge.at(-1)).toBe(0);
    expect((await store.callHistory.getValue())[0]).toMatchObject({ seen: true });
  });

  it('late and repeated news changes nothing and records the call once', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'audio' });
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
    await controller.onNotificationButton(callId, 0);
    await controller.handle({ ...bg, type: 'media-connected', callId });
    expect(await store.callHistory.getValue()).toHaveLength(1);
    expect((await store.callState.getValue()).phase).toBe('ended');
    expect(log.sent.filter((c) => c.type === 'accept')).toHaveLength(0);
  });

  it('a ring while busy here is turned away', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'carol' as Handle, kind: 'audio' });
    expect(log.shown).toEqual([]);
    expect(log.sent.at(-1)).toEqual({ to: 'offscreen', type: 'decline', callId });
  });

  it('closing the call window hangs up; closing another window does not', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    await controller.onWindowRemoved(99);
    expect((await store.callState.getValue()).phase).toBe('outgoing');
    await controller.onWindowRemoved(7);
    expect(await store.callState.getValue()).toMatchObject({ phase: 'ended', reason: 'hung-up' });
    expect(log.sent.at(-1)).toMatchObject({ type: 'hangup' });
    expect((await store.callHistory.getValue())[0]).toMatchObject({ outcome: 'cancelled', direction: 'outgoing' });
  });

  it('a failing offscreen document ends the call as failed instead of hanging', async () => {
    const fake = fakePlatform();
    fake.platform.sendToOffscreen = async (command) => {
      if (command.type === 'dial') throw new Error('The offscreen document did not answer');
    };
    const failing = createCallController(fake.platform);
    await failing.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    expect(await store.callState.getValue()).toMatchObject({ phase: 'ended', reason: 'failed', detail: expect.stringContaining('did not answer') });
  });

  it('mute and camera are stored and forwarded', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    await controller.handle({ ...bg, type: 'set-muted', muted: true });
    await controller.handle({ ...bg, type: 'set-camera-off', cameraOff: true });
    expect(await store.callState.getValue()).toMatchObject({ call: { muted: true, cameraOff: true } });
    expect(log.sent.slice(-2)).toEqual([
      { to: 'offscreen', type: 'set-muted', muted: true },
      { to: 'offscreen', type: 'set-camera-off', cameraOff: true },
    ]);
  });

  it('a permission problem opens the permission page', async () => {
    await controller.handle({ ...bg, type: 'permission-needed' });
    expect(log.permissionPages).toBe(1);
  });

  it('a bad signaling URL on the options page is reported, not used', async () => {
    await store.signalUrlOverride.setValue('ftp://nope');
    await controller.handle({ ...bg, type: 'signal-url-changed' });
    expect(log.sent.at(-1)).toEqual({ to: 'offscreen', type: 'configure', config: null });
    expect(await store.signalStatus.getValue()).toMatchObject({ status: 'error', detail: expect.stringContaining('http') });
  });

  it('on waking, a call whose offscreen document is gone ends as failed; one that lives goes on', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    await controller.start();
    expect((await store.callState.getValue()).phase).toBe('outgoing');
    log.offscreenAlive = false;
    await controller.start();
    expect(await store.callState.getValue()).toMatchObject({ phase: 'ended', reason: 'failed' });
    expect((await store.callHistory.getValue())[0]).toMatchObject({ outcome: 'failed' });
  });

  it('layout-changed keeps the latest few reports, one per surface and path, newest first', async () => {
    const report = (path: string, anchors = ['profileMoreButton']) =>
      controller.handle({ ...bg, type: 'layout-changed', surface: 'profile', path, anchors });
    for (let i = 1; i <= 7; i++) {
      clock = 1000 + i;
      expect(await report(`/user${i}`)).toEqual({ ok: true });
    }
    clock = 5000;
    await report('/user5', ['profileMoreButton', 'messageButton']);
    const stored = await store.layoutIssues.getValue();
    expect(stored.map((issue) => issue.path)).toEqual(['/user5', '/user7', '/user6', '/user4', '/user3']);
    expect(stored[0]).toEqual({ surface: 'profile', path: '/user5', anchors: ['profileMoreButton', 'messageButton'], at: 5000 });
    expect(log.sent.filter((c) => c.type !== 'configure')).toEqual([]);
  });
});
