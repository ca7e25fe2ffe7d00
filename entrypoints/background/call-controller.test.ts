import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CallInfo } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import type { OffscreenCommand } from '@/lib/messages';
import { LOCAL_SIGNAL_URL } from '@/lib/signal-config';
import * as store from '@/lib/store';
import { createCallController } from './call-controller';
import { incomingNotificationText, type Platform } from './platform';

const REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x';

function fakePlatform() {
  const log = {
    shown: [] as CallInfo[],
    cleared: [] as string[],
    missed: [] as CallRecord[],
    /** Handles whose missed-call notification was cleared; "all" for every one. */
    missedCleared: [] as string[],
    popups: 0,
    windows: 0,
    sent: [] as OffscreenCommand[],
    /** Window opens and commands to the media host, in the order they began. */
    order: [] as string[],
    badge: [] as number[],
    permissionPages: 0,
    offscreenAlive: true,
    /** Someone closed the media host (Firefox's pinned tab) since the browser started. */
    hostClosedByHand: false,
    signIns: [] as string[],
  };
  let finishSignIn: (url: string) => Promise<string> = async () => `${REDIRECT_URI}?ticket=t1&result=r1`;
  const platform: Platform = {
    showIncomingNotification: async (call) => void log.shown.push(call),
    clearIncomingNotification: async (callId) => void log.cleared.push(callId),
    showMissedNotification: async (record) => void log.missed.push(record),
    clearMissedNotifications: async (handle) => void log.missedCleared.push(handle ?? 'all'),
    openPopup: async () => void log.popups++,
    openCallWindow: async (existing) => {
      log.windows++;
      log.order.push('window');
      return existing ?? 7;
    },
    callWindowBeforeDial: false,
    offscreenExists: async () => log.offscreenAlive,
    sendToOffscreen: async (command) => {
      log.sent.push(command);
      log.order.push(command.type);
      log.offscreenAlive = true;
      log.hostClosedByHand = false;
    },
    hostWasClosed: async () => log.hostClosedByHand,
    onHostClosed: () => {},
    setMissedBadge: async (count) => void log.badge.push(count),
    openPermissionPage: async () => void log.permissionPages++,
    signInRedirectUri: () => REDIRECT_URI,
    launchSignIn: (url) => {
      log.signIns.push(url);
      return finishSignIn(url);
    },
  };
  return { platform, log, onSignIn: (fn: typeof finishSignIn) => (finishSignIn = fn) };
}

const bg = { to: 'background' } as const;
const callId = 'call-0001-aaaa';
const ringing = { type: 'incoming', callId } as const;
const alice = { handle: 'alice' as Handle, verified: true };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('call controller', () => {
  let fake: ReturnType<typeof fakePlatform>;
  let log: ReturnType<typeof fakePlatform>['log'];
  let controller: ReturnType<typeof createCallController>;
  let clock = 1000;

  beforeEach(async () => {
    fakeBrowser.reset();
    fake = fakePlatform();
    log = fake.log;
    clock = 1000;
    controller = createCallController(fake.platform, () => clock);
    await controller.handle({ ...bg, type: 'account', identity: alice, signIn: true });
  });

  describe('account and sign-in', () => {
    it('signed-in stores the page handle and, while the device has no identity, reconfigures with it as a claim', async () => {
      await controller.handle({ ...bg, type: 'account', identity: null, signIn: false });
      await controller.handle({ ...bg, type: 'signed-in', handle: 'alice' as Handle });
      expect(await store.pageHandle.getValue()).toBe('alice');
      expect(log.sent).toEqual([{ to: 'offscreen', type: 'configure', config: { url: LOCAL_SIGNAL_URL, claim: 'alice' } }]);
      // The same handle again changes nothing.
      await controller.handle({ ...bg, type: 'signed-in', handle: 'alice' as Handle });
      expect(log.sent).toHaveLength(1);
      expect(await controller.handle({ ...bg, type: 'offscreen-ready' })).toEqual({ ok: true, config: { url: LOCAL_SIGNAL_URL, claim: 'alice' } });
    });

    it('"Always relay calls" is read as each call starts: dial and accept carry it', async () => {
      await store.alwaysRelay.setValue(true);
      await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'audio' });
      expect(log.sent.find((c) => c.type === 'dial')).toMatchObject({ alwaysRelay: true });
      await controller.handle({ ...bg, type: 'hangup' });
      await store.alwaysRelay.setValue(false);
      await controller.handle({ ...bg, type: 'incoming', callId: 'call-0009', from: 'carol' as Handle, kind: 'audio', verified: true });
      await controller.handle({ ...bg, type: 'accept' });
      expect(log.sent.find((c) => c.type === 'accept')).toEqual({ to: 'offscreen', type: 'accept', callId: 'call-0009', alwaysRelay: false });
    });

    it('signed-in never changes an identity the device has: the page handle is only remembered', async () => {
      await controller.handle({ ...bg, type: 'signed-in', handle: 'bob' as Handle });
      expect(await store.pageHandle.getValue()).toBe('bob');
      expect(log.sent).toEqual([]);
      expect(await store.account.getValue()).toEqual({ identity: alice, signIn: true });
    });

    it('account stores what the service said, and an identity clears an old sign-in error', async () => {
      await store.signInError.setValue('X sign-in was cancelled.');
      await controller.handle({ ...bg, type: 'account', identity: null, signIn: true });
      expect(await store.account.getValue()).toEqual({ identity: null, signIn: true });
      expect(await store.signInError.getValue()).toBe('X sign-in was cancelled.');
      await controller.handle({ ...bg, type: 'account', identity: { handle: 'carol' as Handle, verified: false }, signIn: false });
      expect(await store.account.getValue()).toEqual({ identity: { handle: 'carol', verified: false }, signIn: false });
      expect(await store.signInError.getValue()).toBeNull();
    });

    it("sign-in clears the last error and asks the offscreen document to start with the platform's redirect URI", async () => {
      await store.signInError.setValue('old');
      expect(await controller.handle({ ...bg, type: 'sign-in' })).toEqual({ ok: true });
      expect(await store.signInError.getValue()).toBeNull();
      expect(log.sent).toEqual([{ to: 'offscreen', type: 'sign-in-start', redirectUri: REDIRECT_URI }]);
    });

    it("sign-in-url runs the platform's sign-in flow and hands where it ended to the offscreen document", async () => {
      const url = 'https://x.com/i/oauth2/authorize?client_id=abc&state=s';
      expect(await controller.handle({ ...bg, type: 'sign-in-url', url })).toEqual({ ok: true });
      await flush();
      expect(log.signIns).toEqual([url]);
      expect(log.sent).toEqual([{ to: 'offscreen', type: 'sign-in-finish', redirectedTo: `${REDIRECT_URI}?ticket=t1&result=r1` }]);
    });

    it('a sign-in flow that fails stores why, and sends nothing', async () => {
      fake.onSignIn(async () => {
        throw new Error('the sign-in window closed');
      });
      await controller.handle({ ...bg, type: 'sign-in-url', url: 'https://x.com/i/oauth2/authorize' });
      await flush();
      expect(await store.signInError.getValue()).toBe('X sign-in did not finish: the sign-in window closed');
      expect(log.sent).toEqual([]);
    });

    it('sign-in-failed stores the detail', async () => {
      await controller.handle({ ...bg, type: 'sign-in-failed', detail: { key: 'signInCancelled' } });
      expect(await store.signInError.getValue()).toBe('X sign-in was cancelled.');
    });

    it('place-call without an identity is refused with a clear error and dials nothing', async () => {
      await controller.handle({ ...bg, type: 'account', identity: null, signIn: true });
      expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'audio' })).toEqual({
        ok: false,
        error: 'Sign in with X in the Birdcall popup before calling.',
      });
      await store.account.setValue(null);
      expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'audio' })).toMatchObject({
        ok: false,
        error: expect.stringContaining('x.com'),
      });
      expect(log.sent).toEqual([]);
      expect((await store.callState.getValue()).phase).toBe('idle');
    });
  });

  it('place-call opens the call window in outgoing and dials', async () => {
    expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' })).toEqual({ ok: true });
    expect(await store.callState.getValue()).toMatchObject({ phase: 'outgoing', call: { peer: 'bob', kind: 'video' } });
    expect(log.windows).toBe(1);
    expect(log.sent.at(-1)).toMatchObject({ type: 'dial', peer: 'bob', kind: 'video' });
  });

  it('rings before the call window opens; where a dial may bring a camera prompt forward (Firefox), the window opens first', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    expect(log.order).toEqual(['dial', 'window']);
    await controller.handle({ ...bg, type: 'hangup' });
    const firefoxLike = createCallController({ ...fake.platform, callWindowBeforeDial: true }, () => clock);
    log.order.length = 0;
    await firefoxLike.handle({ ...bg, type: 'place-call', handle: 'carol' as Handle, kind: 'video' });
    expect(log.order).toEqual(['window', 'dial']);
  });

  it('a second call while in a call focuses the window and dials nothing', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    const sent = log.sent.length;
    const reply = await controller.handle({ ...bg, type: 'place-call', handle: 'carol' as Handle, kind: 'audio' });
    expect(reply).toEqual({ ok: false, error: 'You are already in a call.' });
    expect(log.windows).toBe(2);
    expect(log.sent.length).toBe(sent);
  });

  it("while Birdcall's service is known to be unreachable a call fails at once with why: no call window, nothing dialed", async () => {
    const why = "Offline: Birdcall's service (127.0.0.1:9000) cannot be reached.";
    await controller.handle({ ...bg, type: 'signal-status', status: 'offline', detail: { key: 'offlineUnreachable', args: ['127.0.0.1:9000'] } });
    expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' })).toEqual({ ok: false, error: why });
    expect(log.windows).toBe(0);
    expect(log.sent).toEqual([]);
    expect(await store.callState.getValue()).toEqual({ phase: 'idle' });

    // Retry asks the offscreen document to try now; once connecting again, calls are placed (the dial waits for the service).
    expect(await controller.handle({ ...bg, type: 'retry-service' })).toEqual({ ok: true });
    expect(log.sent).toEqual([{ to: 'offscreen', type: 'reconnect' }]);
    await controller.handle({ ...bg, type: 'signal-status', status: 'connecting' });
    expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' })).toEqual({ ok: true });
  });

  it('refuses to call yourself', async () => {
    expect(await controller.handle({ ...bg, type: 'place-call', handle: 'alice' as Handle, kind: 'audio' })).toEqual({
      ok: false,
      error: 'You cannot call yourself.',
    });
  });

  it("an outgoing call is verified only where the service checks handles with X; the callee's certificate decides on accept", async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'audio' });
    expect(await store.callState.getValue()).toMatchObject({ call: { verified: true } });
    const dialled = (await store.callState.getValue()) as { call: CallInfo };
    await controller.handle({ ...bg, type: 'remote-accepted', callId: dialled.call.callId, verified: false });
    expect(await store.callState.getValue()).toMatchObject({ phase: 'connecting', call: { verified: false } });
    await controller.handle({ ...bg, type: 'hangup' });

    await controller.handle({ ...bg, type: 'account', identity: { handle: 'alice' as Handle, verified: false }, signIn: false });
    await controller.handle({ ...bg, type: 'place-call', handle: 'carol' as Handle, kind: 'audio' });
    expect(await store.callState.getValue()).toMatchObject({ phase: 'outgoing', call: { peer: 'carol', verified: false } });
  });

  it('an unverified caller\'s notification says "unverified"; a verified one\'s does not', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'video', verified: false });
    expect(log.shown).toEqual([expect.objectContaining({ callId, peer: 'bob', kind: 'video', verified: false })]);
    const unverified = incomingNotificationText(log.shown[0]!);
    expect(unverified.title).toContain('unverified');
    expect(unverified.message).toContain('unverified');
    const verified = incomingNotificationText({ ...log.shown[0]!, verified: true });
    expect(verified.title).toBe('@bob is calling (video)');
    expect(`${verified.title} ${verified.message}`).not.toContain('unverified');
  });

  it('a call answered on another device is recorded as such, not as missed, and not badged', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'audio', verified: true });
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'answered-elsewhere' });
    expect(log.cleared).toEqual([callId]);
    expect((await store.callHistory.getValue())[0]).toMatchObject({ outcome: 'answered-elsewhere', seen: true, verified: true });
    expect(log.badge.at(-1)).toBe(0);
  });

  it('incoming call: notification, accept from button 0, connected, remote hang-up, history', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'video', verified: true });
    expect(log.shown).toEqual([expect.objectContaining({ callId, peer: 'bob', kind: 'video', verified: true })]);
    await controller.onNotificationButton(ringing, 0);
    expect(log.cleared).toEqual([callId]);
    expect(log.sent.at(-1)).toEqual({ to: 'offscreen', type: 'accept', callId, alwaysRelay: false });
    expect(log.windows).toBe(1);
    clock = 2000;
    await controller.handle({ ...bg, type: 'media-connected', callId });
    clock = 62_000;
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'remote-hung-up' });
    expect(await store.callHistory.getValue()).toEqual([
      expect.objectContaining({
        callId,
        handle: 'bob',
        direction: 'incoming',
        kind: 'video',
        outcome: 'answered',
        verified: true,
        durationMs: 60_000,
        seen: true,
      }),
    ]);
  });

  it('decline from button 1 tells the caller and records a declined call', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'audio', verified: true });
    await controller.onNotificationButton(ringing, 1);
    expect(log.sent.at(-1)).toEqual({ to: 'offscreen', type: 'decline', callId });
    expect(log.cleared).toEqual([callId]);
    expect((await store.callHistory.getValue())[0]).toMatchObject({ outcome: 'declined' });
  });

  it('a cancelled ring clears the notification, records a missed call and badges it until seen', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'audio', verified: true });
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
    expect(log.cleared).toEqual([callId]);
    expect((await store.callHistory.getValue())[0]).toMatchObject({ outcome: 'missed', seen: false });
    expect(log.badge.at(-1)).toBe(1);
    await controller.handle({ ...bg, type: 'history-seen' });
    expect(log.badge.at(-1)).toBe(0);
    expect((await store.callHistory.getValue())[0]).toMatchObject({ seen: true });
  });

  describe('missed calls', () => {
    const ring = (id: string, kind: 'audio' | 'video' = 'video', verified = true) =>
      controller.handle({ ...bg, type: 'incoming', callId: id, from: 'bob' as Handle, kind, verified });

    it('a missed call notifies once per caller, counting the calls missed in a row', async () => {
      await ring('call-0001');
      await controller.handle({ ...bg, type: 'ended', callId: 'call-0001', reason: 'cancelled' });
      expect(log.missed).toEqual([expect.objectContaining({ callId: 'call-0001', handle: 'bob', kind: 'video', outcome: 'missed', verified: true })]);
      await ring('call-0002', 'audio');
      await controller.handle({ ...bg, type: 'ended', callId: 'call-0002', reason: 'no-answer' });
      expect(log.missed.at(-1)).toMatchObject({ callId: 'call-0002', handle: 'bob', kind: 'audio', count: 2 });
      // The same news again notifies nothing more.
      await controller.handle({ ...bg, type: 'ended', callId: 'call-0002', reason: 'no-answer' });
      expect(log.missed).toHaveLength(2);
    });

    it.each<['declined' | 'answered' | 'answered-elsewhere']>([['declined'], ['answered'], ['answered-elsewhere']])(
      'a %s call is no missed call and notifies nothing',
      async (how) => {
        await ring(callId);
        if (how === 'declined') await controller.onNotificationButton(ringing, 1);
        else if (how === 'answered-elsewhere') await controller.handle({ ...bg, type: 'ended', callId, reason: 'answered-elsewhere' });
        else {
          await controller.onNotificationButton(ringing, 0);
          await controller.handle({ ...bg, type: 'media-connected', callId });
          await controller.handle({ ...bg, type: 'ended', callId, reason: 'remote-hung-up' });
        }
        expect(log.missed).toEqual([]);
      },
    );

    it('"Call back" on the notification calls the same person the way they called, and clears it', async () => {
      await ring(callId, 'audio');
      await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
      await controller.onNotificationButton({ type: 'missed', handle: 'bob' as Handle }, 0);
      expect(log.missedCleared).toEqual(['bob']);
      expect(await store.callState.getValue()).toMatchObject({ phase: 'outgoing', call: { peer: 'bob', kind: 'audio', direction: 'outgoing' } });
      expect(log.sent.at(-1)).toMatchObject({ type: 'dial', peer: 'bob', kind: 'audio' });
      expect(log.windows).toBe(1);
    });

    it('calling them back from anywhere (popup, call window) clears their missed-call notification', async () => {
      await ring(callId);
      await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
      await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'audio' });
      expect(log.missedCleared).toEqual(['bob']);
    });

    it('clicking the notification opens the popup; seeing the calls there clears every missed-call notification', async () => {
      await ring(callId);
      await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
      await controller.onNotificationClicked({ type: 'missed', handle: 'bob' as Handle });
      expect(log.popups).toBe(1);
      expect(log.missedCleared).toEqual(['bob']);
      expect((await store.callState.getValue()).phase).toBe('ended');
      await controller.handle({ ...bg, type: 'history-seen' });
      expect(log.missedCleared).toEqual(['bob', 'all']);
    });
  });

  it('late and repeated news changes nothing and records the call once', async () => {
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'bob' as Handle, kind: 'audio', verified: true });
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
    await controller.handle({ ...bg, type: 'ended', callId, reason: 'cancelled' });
    await controller.onNotificationButton(ringing, 0);
    await controller.handle({ ...bg, type: 'media-connected', callId });
    expect(await store.callHistory.getValue()).toHaveLength(1);
    expect((await store.callState.getValue()).phase).toBe('ended');
    expect(log.sent.filter((c) => c.type === 'accept')).toHaveLength(0);
  });

  it('a ring while busy here is turned away', async () => {
    await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
    await controller.handle({ ...bg, type: 'incoming', callId, from: 'carol' as Handle, kind: 'audio', verified: true });
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

  describe('a media host closed by hand (Firefox: its pinned tab)', () => {
    const closeHost = async () => {
      log.offscreenAlive = false;
      log.hostClosedByHand = true;
      await controller.hostClosed();
    };

    it('is offline, saying why, and the call it held ends as failed', async () => {
      await controller.handle({ ...bg, type: 'signal-status', status: 'connected' });
      await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'video' });
      await closeHost();
      expect(await store.signalStatus.getValue()).toEqual({
        status: 'offline',
        detail: "Offline: Birdcall's tab was closed, so calls cannot reach you. Retry in Birdcall's popup opens it again.",
      });
      expect(await store.callState.getValue()).toMatchObject({ phase: 'ended', reason: 'failed', detail: 'The call engine stopped unexpectedly.' });
      // A call placed now fails at once with why, as with any offline.
      expect(await controller.handle({ ...bg, type: 'place-call', handle: 'bob' as Handle, kind: 'audio' })).toEqual({
        ok: false,
        error: expect.stringContaining("Birdcall's tab was closed"),
      });
    });

    it("is not opened again by any wake, nor hidden by the closed tab's last report; Retry opens it", async () => {
      await closeHost();
      log.sent = [];
      await controller.start();
      await controller.handle({ ...bg, type: 'account', identity: null, signIn: false });
      await controller.handle({ ...bg, type: 'signed-in', handle: 'alice' as Handle });
      await controller.handle({ ...bg, type: 'signal-url-changed' });
      await controller.handle({ ...bg, type: 'signal-status', status: 'offline', detail: { key: 'serviceUnreachable' } });
      expect(log.sent).toEqual([]);
      expect((await store.signalStatus.getValue()).detail).toContain("Birdcall's tab was closed");

      await controller.handle({ ...bg, type: 'retry-service' });
      expect(log.sent).toEqual([{ to: 'offscreen', type: 'reconnect' }]);
      expect(await store.signalStatus.getValue()).toEqual({ status: 'connecting' });
      await controller.handle({ ...bg, type: 'signal-status', status: 'connected' });
      expect(await store.signalStatus.getValue()).toEqual({ status: 'connected' });
    });

    it('a tab closed while the host is still up (a second copy closing itself) changes nothing', async () => {
      await controller.handle({ ...bg, type: 'signal-status', status: 'connected' });
      await controller.hostClosed();
      expect(await store.signalStatus.getValue()).toEqual({ status: 'connected' });
    });
  });

  it('layout-changed keeps the latest few reports, one per surface and path, newest first', async () => {
    const report = (path: string, anchors = ['profileMoreButton']) => controller.handle({ ...bg, type: 'layout-changed', surface: 'profile', path, anchors });
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
