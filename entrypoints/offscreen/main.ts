/**
 * The offscreen document: the only context with WebRTC and camera/microphone. It keeps the Peer
 * registered, runs at most one CallSession, obeys the background's commands and reports events.
 */
import type { DataConnection, MediaConnection } from 'peerjs';
import { browser } from 'wxt/browser';
import { handleForPeerId } from '@/lib/handle';
import { MEDIA_CHANGED, type CallMedia, type MediaHost } from '@/lib/media-bridge';
import { browserMediaDevices } from '@/lib/media-devices';
import { OFFSCREEN_ACK, parseOffscreenCommand, type OffscreenCommand, type PeerConfig } from '@/lib/messages';
import { parseWireMessage } from '@/lib/protocol';
import { CallSession, type SessionHost } from './call-session';
import { PeerLink } from './peer-link';

const PEER_OPEN_WAIT_MS = 5_000;

let session: CallSession | null = null;
let config: PeerConfig | null = null;

function report(event: Parameters<SessionHost['report']>[0]): void {
  browser.runtime.sendMessage({ to: 'background', ...event }).catch((error: unknown) => {
    console.warn('Birdcall: could not report', event.type, error);
  });
}

const mediaHost = window as Window & MediaHost;
mediaHost.birdcallMedia = { local: null, remote: null };

const sessionHost = (self: PeerConfig['handle']): SessionHost => ({
  self,
  devices: browserMediaDevices,
  report,
  publishMedia(media: CallMedia) {
    mediaHost.birdcallMedia = media;
    window.dispatchEvent(new Event(MEDIA_CHANGED));
  },
  disposed(ended) {
    if (session === ended) session = null;
  },
});

const link = new PeerLink({
  status: (status, detail) => report({ type: 'signal-status', status, ...(detail ? { detail } : {}) }),
  connection: onControlConnection,
  call: refuseMediaCall,
  peerUnavailable: (peerId) => session?.peerUnavailable(peerId),
});

function onControlConnection(control: DataConnection): void {
  const caller = handleForPeerId(control.peer);
  if (!caller) {
    console.warn('Birdcall: refused a connection from a peer id that is not ours:', control.peer);
    control.close();
    return;
  }
  const parsed = parseWireMessage(control.metadata);
  if (!parsed.ok || parsed.message.type !== 'ring' || parsed.message.from !== caller) {
    console.warn('Birdcall: refused a connection without a valid ring:', parsed.ok ? parsed.message.type : parsed.error);
    control.close();
    return;
  }
  const activeSession = session;
  if (activeSession && !activeSession.isEnded) {
    CallSession.turnAwayBusy(control, parsed.message.callId);
    return;
  }
  if (!config) {
    control.close();
    return;
  }
  session = CallSession.ring(sessionHost(config.handle), control, parsed.message);
}

/** Birdcall's media rides on its control connection: nobody should place a PeerJS media call here. */
function refuseMediaCall(call: MediaConnection): void {
  call.close();
}

async function run(command: OffscreenCommand): Promise<void> {
  switch (command.type) {
    case 'configure':
      config = command.config;
      link.configure(config);
      return;
    case 'dial': {
      const self = config?.handle;
      if (!self) {
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: 'Birdcall does not know your handle yet.' });
        return;
      }
      if (session && !session.isEnded) {
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: 'Another call is still going on.' });
        return;
      }
      const peer = await link.whenOpen(PEER_OPEN_WAIT_MS);
      if (!peer) {
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: 'The signaling server cannot be reached.' });
        return;
      }
      session = CallSession.dial(sessionHost(self), peer, command.callId, command.peer, command.kind);
      return;
    }
    case 'accept':
      if (session?.callId === command.callId) await session.accept();
      return;
    case 'decline':
      if (session?.callId === command.callId) session.decline();
      return;
    case 'hangup':
      if (session?.callId === command.callId) session.hangup();
      return;
    case 'set-muted':
      session?.setMuted(command.muted);
      return;
    case 'set-camera-off':
      session?.setCameraOff(command.cameraOff);
  }
}

/** Only the real offscreen document runs calls; the same page opened in a tab has more APIs than chrome.runtime. */
function isOffscreenDocument(): boolean {
  return (globalThis as { chrome?: { tabs?: unknown } }).chrome?.tabs === undefined;
}

const ownOrigin = browser.runtime.getURL('/');
if (isOffscreenDocument()) start();

function start(): void {
  browser.runtime.onMessage.addListener((data: unknown, sender) => {
    if ((data as { to?: unknown } | null)?.to !== 'offscreen') return undefined;
    const parsed = parseOffscreenCommand(data, sender, browser.runtime.id, ownOrigin);
    if (!parsed.ok) {
      console.warn('Birdcall: dropped command:', parsed.error);
      return undefined;
    }
    // Acknowledge at once: a dial waits for the server, and the background must not wait with it.
    run(parsed.message).catch((error: unknown) => console.error('Birdcall:', parsed.message.type, 'failed:', error));
    return Promise.resolve(OFFSCREEN_ACK);
  });

  void (async () => {
    const reply = (await browser.runtime.sendMessage({ to: 'background', type: 'offscreen-ready' })) as { config?: PeerConfig | null } | undefined;
    if (reply && config === null && reply.config) {
      config = reply.config;
      link.configure(config);
    }
  })().catch((error: unknown) => console.warn('Birdcall: the background did not answer yet:', error));
}
