/**
 * What a call's network path is, read in the offscreen document: every RTCPeerConnection it makes
 * is recorded so a test can read the selected candidate pair; and the "Always relay calls" option
 * set the way a person sets it.
 */
import type { Page } from 'puppeteer-core';
import { testid } from './dom';
import type { ExtensionChrome } from './extension-api';
import type { Person } from './people';
import { poll } from './poll';

declare const chrome: ExtensionChrome; // evaluated in extension pages

/** Records every RTCPeerConnection the offscreen document makes, so the test can read its stats. */
export async function watchPeerConnections(offscreen: Page): Promise<void> {
  await offscreen.evaluate(() => {
    const w = window as unknown as { birdcallTestPcs?: RTCPeerConnection[] };
    if (w.birdcallTestPcs) return;
    const Original = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    w.birdcallTestPcs = made;
    const Recording = function (this: unknown, config?: RTCConfiguration) {
      const pc = new Original(config);
      made.push(pc);
      return pc;
    } as unknown as typeof RTCPeerConnection;
    Recording.prototype = Original.prototype;
    window.RTCPeerConnection = Recording;
  });
}

/** Every RTCPeerConnection the offscreen document made since watchPeerConnections, oldest first: its ICE policy and state. */
export async function connectionsMade(offscreen: Page): Promise<Array<{ policy: RTCIceTransportPolicy | undefined; state: RTCPeerConnectionState }>> {
  return offscreen.evaluate(() =>
    (window as unknown as { birdcallTestPcs: RTCPeerConnection[] }).birdcallTestPcs.map((pc) => ({
      policy: pc.getConfiguration().iceTransportPolicy,
      state: pc.connectionState,
    })),
  );
}

/** How far the newest connection's video sender scales the camera down (1: its full resolution; video-start.ts). */
export async function videoScaleDownBy(offscreen: Page): Promise<number | undefined> {
  return offscreen.evaluate(() => {
    const pc = (window as unknown as { birdcallTestPcs: RTCPeerConnection[] }).birdcallTestPcs.at(-1);
    const sender = pc?.getSenders().find((candidate) => candidate.track?.kind === 'video');
    return sender?.getParameters().encodings[0]?.scaleResolutionDownBy;
  });
}

/** The selected candidate pair of the newest connection: types and addresses of both ends. */
export async function selectedPath(offscreen: Page) {
  return offscreen.evaluate(async () => {
    const pcs = (window as unknown as { birdcallTestPcs: RTCPeerConnection[] }).birdcallTestPcs;
    const pc = pcs.at(-1)!;
    const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
    const transport = stats.find((s) => s.type === 'transport');
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const local = stats.find((s) => s.id === pair?.localCandidateId);
    const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
    return {
      policy: pc.getConfiguration().iceTransportPolicy,
      local: local?.candidateType as string | undefined,
      localAddress: `${local?.address}:${local?.port}`,
      remote: remote?.candidateType as string | undefined,
      remoteAddress: `${remote?.address}:${remote?.port}`,
    };
  });
}

/**
 * Sets "Always relay calls" on the options page to `on` (clicking only when it differs) and waits
 * until it is stored: each call reads it as it starts.
 */
export async function setAlwaysRelay(person: Person, on: boolean): Promise<void> {
  const options = await person.browser.openExtensionPage('/options.html');
  try {
    const box = await options.waitForSelector(testid('birdcall-always-relay'));
    await options.waitForFunction(() => !(document.querySelector('[data-testid="birdcall-always-relay"]') as HTMLInputElement).disabled);
    const checked = await box!.evaluate((el) => (el as HTMLInputElement).checked);
    if (checked !== on) await box!.click();
    await options.waitForFunction(
      (want: boolean) => (document.querySelector('[data-testid="birdcall-always-relay"]') as HTMLInputElement).checked === want,
      {},
      on,
    );
    await poll(
      async () => ((await options.evaluate(async () => (await chrome.storage.local.get('alwaysRelay')).alwaysRelay)) ?? false) === on || undefined,
      `alwaysRelay stored as ${on}`,
      { timeoutMs: 5000 },
    );
  } finally {
    await options.close();
  }
}
