/**
 * Birdcall without a mouse, in two real browsers: keys only (Tab, Enter, Space, Esc) from the x.com
 * call button through accept, mute and hang-up to calling back from the popup, with focus checked
 * after every change; Esc; window titles and the live region; missed-call notifications; the words
 * each side sees; the popup's rows as a screen reader gets them; Call again.
 */
import type { KeyInput, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibleNode,
  accessibleNodes,
  callFromProfile,
  closeCallWindows,
  focusedControl,
  openProfile,
  poll,
  recordNotifications,
  signIn,
  startService,
  tabTo,
  testid,
  waitForFocus,
  waitForState,
  type Person,
  type RunningService,
  type ShownNotification,
} from './harness';

const textOf = (page: Page, id: string) => page.$eval(testid(id), (el) => el.textContent ?? '');
const pressed = (page: Page, id: string) => page.$eval(testid(id), (el) => el.getAttribute('aria-pressed'));
const waitForTitle = (page: Page, title: RegExp) =>
  poll(async () => (title.test(await page.title()) ? true : undefined), `the title ${title} on ${page.url()}`, { timeoutMs: 10_000 });

/** Presses `key` on a page that may close itself on it (the popup closes once it has placed a call). */
async function pressClosingKey(page: Page, key: KeyInput): Promise<void> {
  try {
    await page.keyboard.press(key);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TargetCloseError')) throw error;
  }
}

/** Hangs up as a keyboard user does: Esc, Tab from "Stay" to the question's Hang up, Enter. */
async function hangUpByKeyboard(page: Page): Promise<void> {
  await waitForFocus(page, 'birdcall-mute');
  await page.keyboard.press('Escape');
  await waitForFocus(page, 'birdcall-stay');
  await tabTo(page, 'birdcall-confirm-hangup');
  await page.keyboard.press('Enter');
}

/** The popup's recent calls as shown: outcome word (or an answered call's length) per row. */
async function popupResults(page: Page): Promise<string[]> {
  await page.waitForSelector(testid('birdcall-recent-call'), { timeout: 10_000 });
  return page.$$eval(`${testid('birdcall-recent-call')} .result`, (results) => results.map((r) => r.textContent ?? ''));
}

describe('Birdcall by keyboard', () => {
  let service: RunningService;
  let alice: Person;
  let bob: Person;
  /** A third person, so no two people ring each other unanswered more often than the service allows (3 a minute). */
  let carol: Person;
  let bobNotifications: () => Promise<ShownNotification[]>;

  beforeAll(async () => {
    // A service of this file's own: handles are first come per service.
    service = await startService();
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((handle) => signIn(handle, { service: service.url })));
    bobNotifications = await recordNotifications(bob.browser);
  });
  afterEach(async () => {
    await Promise.all([alice, bob, carol].filter(Boolean).map(closeCallWindows));
  });
  afterAll(async () => {
    await Promise.all([alice?.browser.close(), bob?.browser.close(), carol?.browser.close()]);
    await service?.close();
  });

  it('calls, accepts, mutes, hangs up and calls back from the popup with keys only; focus is never on a destructive control after a change', async () => {
    // The call button on the profile, reached with Tab and pressed with Enter.
    const profile = await openProfile(alice, 'bob');
    await profile.waitForSelector(testid('birdcall-call-audio'));
    await tabTo(profile, 'birdcall-call-audio');
    await profile.keyboard.press('Enter');
    const aliceWindow = await alice.browser.waitForPage('/call.html');
    await profile.close();
    await waitForState(aliceWindow, 'outgoing', { peer: 'bob' });
    await waitForFocus(aliceWindow, 'birdcall-mute');
    await waitForTitle(aliceWindow, /^Calling @bob…$/);

    // Bob opens the ringing call from the notification: the window starts on Accept.
    await bob.browser.clickNotification(await bob.browser.waitForNotification('birdcall-incoming-'));
    const bobWindow = await bob.browser.waitForPage('/call.html');
    await waitForState(bobWindow, 'incoming', { peer: 'alice' });
    await waitForFocus(bobWindow, 'birdcall-accept');
    await waitForTitle(bobWindow, /^Incoming voice call from @alice$/);

    // Enter accepts; focus lands on Mute (the place Accept had is Hang up now).
    await bobWindow.keyboard.press('Enter');
    await waitForFocus(bobWindow, 'birdcall-mute');
    await waitForState(bobWindow, 'connected');
    await waitForState(aliceWindow, 'connected');
    expect(await focusedControl(bobWindow)).toBe('birdcall-mute');
    expect(await focusedControl(aliceWindow)).toBe('birdcall-mute');

    // A second Enter (it used to hang up at 00:00) mutes; Space unmutes.
    await bobWindow.keyboard.press('Enter');
    await poll(async () => ((await pressed(bobWindow, 'birdcall-mute')) === 'true' ? true : undefined), 'Mute pressed');
    expect((await waitForState(bobWindow, 'connected')).state).toBe('connected');
    await bobWindow.keyboard.press('Space');
    await poll(async () => ((await pressed(bobWindow, 'birdcall-mute')) === 'false' ? true : undefined), 'Mute released');
    await waitForTitle(bobWindow, /^Call with @alice – \d\d:\d\d$/);

    // Tab to Hang up, Enter: both end, focus goes to Close.
    await tabTo(bobWindow, 'birdcall-hangup');
    await bobWindow.keyboard.press('Enter');
    await waitForState(bobWindow, 'ended', { reason: 'hung-up' });
    await waitForState(aliceWindow, 'ended', { reason: 'remote-hung-up' });
    await waitForFocus(bobWindow, 'birdcall-close');
    await waitForFocus(aliceWindow, 'birdcall-close');
    // "Call ended" and the call's length, the same length the popup lists.
    expect(await textOf(bobWindow, 'birdcall-phase')).toBe('Call ended');
    const length = await textOf(bobWindow, 'birdcall-call-timer');
    expect(length).toMatch(/^\d\d:\d\d$/);
    await waitForTitle(bobWindow, new RegExp(`^Call ended: @alice – ${length}$`));

    // Bob calls back from the popup: Tab to the row's call button, Enter.
    const popup = await bob.browser.openExtensionPage('/popup.html');
    expect((await popupResults(popup))[0]).toBe(length);
    await tabTo(popup, 'birdcall-call-back');
    expect(await accessibleNode(popup, `:focus`)).toEqual({ role: 'button', name: 'Call @alice back' });
    await pressClosingKey(popup, 'Enter');
    await waitForState(bobWindow, 'outgoing', { peer: 'alice' });
    await waitForFocus(bobWindow, 'birdcall-mute');

    // Alice's window rings and starts on Accept; Esc declines.
    await alice.browser.clickNotification(await alice.browser.waitForNotification('birdcall-incoming-'));
    await waitForState(aliceWindow, 'incoming', { peer: 'bob' });
    await waitForFocus(aliceWindow, 'birdcall-accept');
    await aliceWindow.keyboard.press('Escape');
    await waitForState(aliceWindow, 'ended', { reason: 'declined' });
    await waitForState(bobWindow, 'ended', { reason: 'declined' });
    await waitForFocus(bobWindow, 'birdcall-close');
    expect(await alice.browser.notifications()).toEqual([]);
    if (!popup.isClosed()) await popup.close();
  });

  it('Esc in a call asks before hanging up, the question can be dismissed, and Call again rings again', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob', 'video');
    await bob.browser.clickNotificationButton('birdcall-incoming-', 0);
    const bobWindow = await bob.browser.waitForPage('/call.html');
    await waitForState(aliceWindow, 'connected');
    await waitForState(bobWindow, 'connected');
    await waitForFocus(aliceWindow, 'birdcall-mute');

    await aliceWindow.keyboard.press('Escape');
    const question = await aliceWindow.waitForSelector(testid('birdcall-confirm-hang-up'));
    expect(await accessibleNode(aliceWindow, testid('birdcall-confirm-hang-up'))).toEqual({ role: 'alertdialog', name: 'Hang up the call with @bob?' });
    await waitForFocus(aliceWindow, 'birdcall-stay');
    // Under the question nothing else takes focus.
    await aliceWindow.keyboard.press('Tab');
    expect(await focusedControl(aliceWindow)).toBe('birdcall-confirm-hangup');
    await aliceWindow.keyboard.press('Tab');
    expect(['birdcall-stay', null]).toContain(await focusedControl(aliceWindow));
    await question!.dispose();

    // Esc takes the question back; so does Stay.
    await aliceWindow.keyboard.press('Escape');
    await aliceWindow.waitForSelector(testid('birdcall-confirm-hang-up'), { hidden: true });
    await waitForFocus(aliceWindow, 'birdcall-mute');
    await aliceWindow.keyboard.press('Escape');
    await waitForFocus(aliceWindow, 'birdcall-stay');
    await aliceWindow.keyboard.press('Enter');
    await aliceWindow.waitForSelector(testid('birdcall-confirm-hang-up'), { hidden: true });
    await waitForFocus(aliceWindow, 'birdcall-mute');
    expect((await waitForState(bobWindow, 'connected')).state).toBe('connected');
    expect((await waitForState(aliceWindow, 'connected')).state).toBe('connected');

    // Esc, Tab to the question's Hang up, Enter: the call ends.
    await hangUpByKeyboard(aliceWindow);
    await waitForState(aliceWindow, 'ended', { reason: 'hung-up' });
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
    await waitForFocus(aliceWindow, 'birdcall-close');

    // Call again, one Shift+Tab away from Close, rings Bob again.
    await tabTo(aliceWindow, 'birdcall-call-again', { backwards: true });
    expect(await textOf(aliceWindow, 'birdcall-call-again')).toBe('Call again');
    await aliceWindow.keyboard.press('Enter');
    await waitForState(aliceWindow, 'outgoing', { peer: 'bob' });
    // Bob declines it, so his next missed call from Alice is a row and a notification of its own.
    await bob.browser.clickNotificationButton('birdcall-incoming-', 1);
    await waitForState(aliceWindow, 'ended', { reason: 'declined' });
  });

  it('announces the first state: the live region is in the page empty, then says it; Esc there declines', async () => {
    const carolWindow = await callFromProfile(carol, 'bob', 'video');
    await bob.browser.waitForNotification('birdcall-incoming-');
    // The incoming screen in a tab of Bob's, watched from before its first script ran.
    const page = await bob.browser.browser.newPage();
    await page.evaluateOnNewDocument(() => {
      const seen: { text: string | null; at: number }[] = [];
      (window as { announcements?: typeof seen }).announcements = seen;
      const read = () => {
        const region = document.querySelector('[data-testid="birdcall-announcer"]');
        const text = region ? (region.textContent ?? '') : null;
        if (seen[seen.length - 1]?.text !== text) seen.push({ text, at: performance.now() });
      };
      new MutationObserver(read).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(`${bob.browser.extensionOrigin}/call.html`);
    await waitForState(page, 'incoming', { peer: 'carol' });
    const announcements = () => page.evaluate(() => (window as { announcements?: { text: string | null; at: number }[] }).announcements ?? []);
    const said = async () => (await announcements()).map((a) => a.text).filter((text) => text !== null);
    await poll(async () => ((await said()).includes('Incoming video call from @carol') ? true : undefined), 'the announcement');
    expect(await said()).toEqual(['', 'Incoming video call from @carol']);
    // Empty long enough for a screen reader to have registered the region before it speaks.
    const [empty, first] = (await announcements()).filter((a) => a.text !== null);
    expect(first!.at - empty!.at).toBeGreaterThanOrEqual(100);
    expect(await accessibleNode(page, testid('birdcall-announcer'))).toMatchObject({ role: 'status' });

    await waitForFocus(page, 'birdcall-accept');
    await page.keyboard.press('Escape');
    await waitForState(carolWindow, 'ended', { reason: 'declined' });
    await poll(async () => ((await said()).includes('Declined: @carol') ? true : undefined), 'the announcement of the end');
    await page.close();
  });

  it('a missed call: one vocabulary on both sides, a notification with Call back that calls back, and popup rows read as sentences', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob', 'audio');
    await bob.browser.clickNotification(await bob.browser.waitForNotification('birdcall-incoming-'));
    const bobWindow = await bob.browser.waitForPage('/call.html');
    await waitForState(bobWindow, 'incoming', { peer: 'alice' });
    const shownBefore = (await bobNotifications()).length;

    // Alice gives up while it rings: "Cancelled" for her, "Missed" for Bob, in windows and popups alike.
    await hangUpByKeyboard(aliceWindow);
    await waitForState(aliceWindow, 'ended', { reason: 'hung-up' });
    await waitForState(bobWindow, 'ended');
    expect(await textOf(aliceWindow, 'birdcall-phase')).toBe('Cancelled');
    expect(await textOf(bobWindow, 'birdcall-phase')).toBe('Missed');
    await waitForTitle(bobWindow, /^Missed: @alice$/);
    expect(await textOf(bobWindow, 'birdcall-call-again')).toBe('Call back');

    const missedId = await bob.browser.waitForNotification('birdcall-missed-');
    expect(missedId).toBe('birdcall-missed-alice');
    expect((await bobNotifications()).slice(shownBefore)).toEqual([
      {
        id: 'birdcall-missed-alice',
        title: 'Missed voice call from @alice',
        message: 'Birdcall · unverified: nobody checked this handle with X',
        buttons: ['Call back'],
      },
    ]);

    const alicePopup = await alice.browser.openExtensionPage('/popup.html');
    expect((await popupResults(alicePopup))[0]).toBe('Cancelled');
    await alicePopup.close();

    // Call back on the notification calls Alice, the way she called, and clears it; Alice declines with Esc.
    await bob.browser.clickNotificationButton('birdcall-missed-alice', 0);
    await waitForState(bobWindow, 'outgoing', { peer: 'alice' });
    expect(await bob.browser.notifications()).toEqual([]);
    await alice.browser.clickNotification(await alice.browser.waitForNotification('birdcall-incoming-'));
    await waitForState(aliceWindow, 'incoming', { peer: 'bob' });
    await waitForFocus(aliceWindow, 'birdcall-accept');
    await aliceWindow.keyboard.press('Escape');
    await waitForState(bobWindow, 'ended', { reason: 'declined' });

    // Carol's call is missed too: a notification of her own.
    const carolWindow = await callFromProfile(carol, 'bob', 'video');
    await bob.browser.waitForNotification('birdcall-incoming-');
    await hangUpByKeyboard(carolWindow);
    await poll(async () => ((await bob.browser.notifications()).includes('birdcall-missed-carol') ? true : undefined), "carol's missed-call notification");
    expect((await bobNotifications()).at(-1)).toMatchObject({ id: 'birdcall-missed-carol', title: 'Missed video call from @carol', buttons: ['Call back'] });

    // Bob's popup, as a screen reader gets it: each row one sentence.
    const bobPopup = await bob.browser.openExtensionPage('/popup.html');
    expect((await popupResults(bobPopup)).slice(0, 3)).toEqual(['Missed', 'Declined', 'Missed']);
    const rows = await accessibleNodes(bobPopup, testid('birdcall-recent-call'));
    const recently = '(just now|1 minute ago)';
    expect(rows.slice(0, 3).map((row) => row.role)).toEqual(['listitem', 'listitem', 'listitem']);
    expect(rows[0]!.name).toMatch(new RegExp(`^Incoming video call from @carol, unverified, missed, new, ${recently}$`));
    expect(rows[1]!.name).toMatch(new RegExp(`^Outgoing voice call to @alice, unverified, declined, ${recently}$`));
    expect(rows[2]!.name).toMatch(new RegExp(`^Incoming voice call from @alice, unverified, missed, new, ${recently}$`));
    for (const row of rows) expect(row.name).toMatch(/^(Incoming (voice|video) call from|Outgoing (voice|video) call to) @(alice|carol), unverified, [a-z]/);
    // Seeing the missed calls in the popup clears their notifications.
    await poll(async () => ((await bob.browser.notifications()).length === 0 ? true : undefined), "carol's notification to go");
    await bobPopup.close();
  });

  it('Call again after a decline rings again, and after "Not available", which is explained, tries again', async () => {
    const carolWindow = await callFromProfile(carol, 'alice', 'audio');
    await alice.browser.clickNotificationButton('birdcall-incoming-', 1);
    await waitForState(carolWindow, 'ended', { reason: 'declined' });
    await waitForFocus(carolWindow, 'birdcall-close');
    await tabTo(carolWindow, 'birdcall-call-again', { backwards: true });
    await carolWindow.keyboard.press('Enter');
    await waitForState(carolWindow, 'outgoing', { peer: 'alice' });
    await alice.browser.clickNotificationButton('birdcall-incoming-', 1);
    await waitForState(carolWindow, 'ended', { reason: 'declined' });
    await carolWindow.close();

    const lonely = await callFromProfile(carol, 'nobody_here', 'video');
    await waitForState(lonely, 'ended', { reason: 'unavailable', timeoutMs: 10_000 });
    expect(await textOf(lonely, 'birdcall-phase')).toBe('Not available');
    expect(await textOf(lonely, 'birdcall-explanation')).toBe('@nobody_here is offline or does not use Birdcall.');
    await waitForFocus(lonely, 'birdcall-close');
    await tabTo(lonely, 'birdcall-call-again', { backwards: true });
    await lonely.keyboard.press('Enter');
    await waitForState(lonely, 'outgoing', { peer: 'nobody_here' });
    await waitForState(lonely, 'ended', { reason: 'unavailable', timeoutMs: 10_000 });
  });
});
