/**
 * What a browser's offscreen document says and hears on its WebSockets (the service's control
 * socket and the PeerJS relay), recorded through the DevTools protocol as a network observer sees
 * it: for replay attacks and for checking that nothing leaves before Accept.
 */
import type { BirdcallBrowser } from './browser';

export interface SocketFrame {
  url: string;
  direction: 'sent' | 'received';
  payload: string;
  /** Date.now() in the test process when the frame was seen. */
  at: number;
}

export interface SocketRecorder {
  /** URLs of the WebSockets opened since recording began. */
  urls(): string[];
  frames(): SocketFrame[];
}

export async function recordSockets(browser: BirdcallBrowser): Promise<SocketRecorder> {
  const offscreen = await browser.offscreenPage();
  const cdp = await offscreen.createCDPSession();
  const urls = new Map<string, string>();
  const frames: SocketFrame[] = [];
  const frame =
    (direction: SocketFrame['direction']) =>
    ({ requestId, response }: { requestId: string; response: { payloadData: string } }) =>
      frames.push({ url: urls.get(requestId) ?? '', direction, payload: response.payloadData, at: Date.now() });
  cdp.on('Network.webSocketCreated', ({ requestId, url }) => urls.set(requestId, url));
  cdp.on('Network.webSocketFrameSent', frame('sent'));
  cdp.on('Network.webSocketFrameReceived', frame('received'));
  await cdp.send('Network.enable');
  return { urls: () => [...urls.values()], frames: () => [...frames] };
}

/** PeerJS's own signaling (an offer, an answer or an ICE candidate), on whichever socket. */
export function isPeerSignaling(frame: SocketFrame): boolean {
  return /"type":"(?:OFFER|ANSWER|CANDIDATE)"/.test(frame.payload);
}
