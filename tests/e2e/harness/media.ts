/** Assertions about what a Birdcall page shows: frames in a <video>, the call state element. */
import type { Frame, Page } from 'puppeteer-core';
import type { CallState, EndReason } from '../../../lib/call-state';
import { inspectDeep, testid } from './dom';
import { poll, sleep } from './poll';

export interface VideoReading {
  found: boolean;
  tag?: string;
  videoWidth?: number;
  videoHeight?: number;
  currentTime?: number;
  readyState?: number;
  paused?: boolean;
  ended?: boolean;
  hasSrcObject?: boolean;
  /** e.g. ["video:live", "audio:ended(muted)"] */
  tracks?: string[];
}

/** One reading of `video[data-testid=<testid>]` (light DOM or open shadow root). */
export function readVideo(page: Page | Frame, id: string): Promise<VideoReading> {
  return inspectDeep(page, testid(id), (element) => {
    if (!element) return { found: false };
    if (element.tagName !== 'VIDEO') return { found: true, tag: element.tagName };
    const video = element as HTMLVideoElement;
    const stream = video.srcObject as MediaStream | null;
    return {
      found: true,
      tag: 'VIDEO',
      videoWidth: video.videoWidth,
      videoHeight: video.videoHeight,
      currentTime: video.currentTime,
      readyState: video.readyState,
      paused: video.paused,
      ended: video.ended,
      hasSrcObject: !!stream,
      tracks:
        stream && typeof stream.getTracks === 'function'
          ? stream.getTracks().map((t) => `${t.kind}:${t.readyState}${t.muted ? '(muted)' : ''}${t.enabled ? '' : '(disabled)'}`)
          : [],
    };
  });
}

/**
 * Waits until `video[data-testid=<testid>]` shows live frames: videoWidth > 0 and currentTime
 * advancing across two reads ~300 ms apart (PeerJS's `stream` event alone proves nothing).
 * Returns the last reading; fails with what it saw.
 */
export async function expectFramesArriving(page: Page | Frame, id: string, options: { timeoutMs?: number } = {}): Promise<VideoReading> {
  const { timeoutMs = 20_000 } = options;
  const seen: string[] = [];
  const note = (reading: VideoReading) => {
    const text = JSON.stringify(reading);
    if (seen[seen.length - 1] !== text) seen.push(text);
    if (seen.length > 8) seen.splice(1, 1);
  };
  return poll(
    async () => {
      const first = await readVideo(page, id);
      note(first);
      if (!first.videoWidth) return undefined;
      await sleep(300);
      const second = await readVideo(page, id);
      note(second);
      if (second.videoWidth && (second.currentTime ?? 0) > (first.currentTime ?? 0)) return second;
      return undefined;
    },
    `frames in video[data-testid="${id}"] on ${page.url()} (videoWidth > 0 and currentTime advancing)`,
    { timeoutMs, intervalMs: 200, describe: () => `readings seen (oldest first):\n  ${seen.join('\n  ') || '(none)'}` },
  );
}

export type CallPhase = CallState['phase'];

export interface CallStateReading {
  found: boolean;
  state: string | null;
  reason: string | null;
  peer: string | null;
}

/** Reads `[data-testid="birdcall-call-state"]`: data-state, data-reason, data-peer. */
export function readCallState(page: Page | Frame): Promise<CallStateReading> {
  return inspectDeep(page, testid('birdcall-call-state'), (element) => ({
    found: !!element,
    state: element ? element.getAttribute('data-state') : null,
    reason: element ? element.getAttribute('data-reason') : null,
    peer: element ? element.getAttribute('data-peer') : null,
  }));
}

/**
 * Waits until the page's call state element says `state` (and `reason` / `peer` when given).
 * Fails listing every distinct state it saw on the way.
 */
export async function waitForState(
  page: Page | Frame,
  state: CallPhase,
  options: { reason?: EndReason; peer?: string; timeoutMs?: number } = {},
): Promise<CallStateReading> {
  const { reason, peer, timeoutMs = 20_000 } = options;
  const seen: string[] = [];
  const wanted = [`state=${state}`, reason ? `reason=${reason}` : '', peer ? `peer=${peer}` : ''].filter(Boolean).join(' ');
  return poll(
    async () => {
      const reading = await readCallState(page);
      const text = reading.found ? `state=${reading.state} reason=${reading.reason} peer=${reading.peer}` : '(no call state element)';
      if (seen[seen.length - 1] !== text) seen.push(text);
      if (reading.state !== state) return undefined;
      if (reason !== undefined && reading.reason !== reason) return undefined;
      if (peer !== undefined && reading.peer?.toLowerCase() !== peer.toLowerCase()) return undefined;
      return reading;
    },
    `[data-testid="birdcall-call-state"] ${wanted} on ${page.url()}`,
    { timeoutMs, describe: () => `seen: ${seen.join(' -> ') || '(nothing)'}` },
  );
}
