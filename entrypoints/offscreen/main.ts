/**
 * The offscreen document: the only context with WebRTC and camera/microphone. It keeps this
 * device registered at Birdcall's service, runs at most one CallSession, obeys the background's
 * commands and reports events.
 */
import type { MediaConnection } from 'peerjs';
import { browser } from 'wxt/browser';
import { MEDIA_CHANGED, type CallMedia, type MediaHost } from '@/lib/media-bridge';
import { browserMediaDevices } from '@/lib/media-devices';
import { OFFSCREEN_ACK, parseOffscreenCommand, type OffscreenCommand, type OffscreenEvent, type ServiceConfig } from '@/lib/messages';
import type { ClientMessage } from '@/lib/wire';
import { openBeforeRing } from './caller-media';
import { CallSession, type SessionHost } from './call-session';
import { checkCertificate } from './certificates';
import { claimMediaHost } from './host-role';
import { withVisiblePrompt } from './visible-prompt';
import { ServiceLink, type Registration, type ServiceLinkListener } from './service-link';

const REGISTERED_WAIT_MS = 5_000;
let session: CallSession | null = null;
let config: ServiceConfig | null = null;
/** Calls being dialed whose devices are not open yet (the person may be answering the browser's prompt); a hangup removes its call. */
const dialing = new Set<string>();

type Report = Parameters<SessionHost['report']>[0];

function report(event: Report): void {
  browser.runtime.sendMessage({ to: 'background', ...event } as OffscreenEvent).catch((error: unknown) => {
    console.warn('Birdcall: could not report', event.type, error);
  });
}

const mediaHost = window as Window & MediaHost;
mediaHost.birdcallMedia = { local: null, remote: null };

const sessionHost: SessionHost = {
  // Firefox asks in this very tab, which is seldom the one on screen.
  devices: import.meta.env.FIREFOX ? withVisiblePrompt(browserMediaDevices) : browserMediaDevices,
  report,
  publishMedia(media: CallMedia) {
    mediaHost.birdcallMedia = media;
    window.dispatchEvent(new Event(MEDIA_CHANGED));
  },
  disposed(ended) {
    if (session === ended) session = null;
    if (!session) link.releaseRetired();
  },
  send: (message: ClientMessage) => link.send(message),
  checkService: () => link.checkAlive(),
  call(peerId, stream, callId) {
    const peer = link.current?.peer;
    return peer ? peer.call(peerId, stream, { metadata: { callId } }) : null;
  },
  callConfiguration: () => link.callConfiguration,
  relayConfiguration: () => link.relayConfiguration,
};

const activeSession = () => (session && !session.isEnded ? session : null);
/** In a call, or placing one whose devices are still opening (a ring taken now would be overwritten by the dial). */
const busy = () => activeSession() !== null || dialing.size > 0;

const onServiceMessage: ServiceLinkListener['message'] = (message, registration) => {
  switch (message.type) {
    case 'incoming':
      void ring(message, registration);
      return;
    case 'connect': {
      const current = activeSession();
      if (current?.callId !== message.callId) return;
      void checkCertificate(message.certificate, registration.serviceKey, message.remote).then((check) => {
        if (!check.ok) {
          console.warn('Birdcall: refused the other side of the call:', check.error);
          current.hangup();
          report({ type: 'ended', callId: current.callId, reason: 'failed', detail: { key: 'couldNotCheckAnswerer' } });
          return;
        }
        current.connect(message.peerId, check.identity.verified);
      });
      return;
    }
    case 'ended':
      if (activeSession()?.callId === message.callId) activeSession()?.endedByService(message.reason);
      return;
    case 'media-signal':
      if (activeSession()?.callId === message.callId) void activeSession()?.mediaSignal(message);
      return;
    case 'sign-in-url':
      report({ type: 'sign-in-url', url: message.url });
      return;
    case 'refused':
      if (message.reason === 'sign-in-failed') {
        // The service's reason is in English and for developers: the person is told in their language.
        console.warn('Birdcall: X sign-in refused:', message.detail);
        report({ type: 'sign-in-failed', detail: { key: 'signInNotFinished' } });
      }
      return;
  }
};

async function ring(message: Extract<Parameters<ServiceLinkListener['message']>[0], { type: 'incoming' }>, registration: Registration) {
  // Busy answers at once, with nothing peer to peer at all.
  if (busy()) {
    link.send({ v: 1, type: 'busy', callId: message.callId });
    return;
  }
  const check = await checkCertificate(message.certificate, registration.serviceKey, message.from);
  if (!check.ok) {
    console.warn('Birdcall: dropped a ring:', check.error);
    // Said to the service, so the caller is not left ringing nobody until no-answer.
    link.send({ v: 1, type: 'busy', callId: message.callId });
    return;
  }
  if (busy()) {
    link.send({ v: 1, type: 'busy', callId: message.callId });
    return;
  }
  session = CallSession.ring(sessionHost, message.callId, check.identity.handle, message.kind, check.identity.verified);
}

function onMediaCall(call: MediaConnection): void {
  const current = activeSession();
  if (current) current.answer(call);
  else call.close();
}

const link = new ServiceLink({
  status: (status, detail) => report({ type: 'signal-status', status, ...(detail ? { detail } : {}) }),
  account: (identity, signIn) => report({ type: 'account', identity, signIn }),
  message: onServiceMessage,
  mediaCall: onMediaCall,
  registrationLost: () => activeSession()?.serviceLost(),
});

/** What came back to the sign-in redirect: `?ticket=&result=` or `?error=`. */
function finishSignIn(redirectedTo: string): void {
  let params: URLSearchParams;
  try {
    params = new URL(redirectedTo).searchParams;
  } catch {
    report({ type: 'sign-in-failed', detail: { key: 'signInMalformed' } });
    return;
  }
  const ticket = params.get('ticket');
  const result = params.get('result');
  if (params.get('error') || !ticket || !result) {
    report({ type: 'sign-in-failed', detail: { key: params.get('error') === 'access_denied' ? 'signInCancelled' : 'signInNotFinished' } });
    return;
  }
  if (!link.send({ v: 1, type: 'sign-in-finish', ticket, result })) {
    report({ type: 'sign-in-failed', detail: { key: 'serviceUnreachable' } });
  }
}

async function run(command: OffscreenCommand): Promise<void> {
  switch (command.type) {
    case 'configure':
      config = command.config;
      link.configure(config);
      return;
    case 'sign-in-start':
      if (!link.send({ v: 1, type: 'sign-in-start', redirectUri: command.redirectUri })) {
        report({ type: 'sign-in-failed', detail: { key: 'serviceUnreachable' } });
      }
      return;
    case 'sign-in-finish':
      finishSignIn(command.redirectedTo);
      return;
    case 'dial': {
      if (activeSession()) {
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: { key: 'anotherCallGoingOn' } });
        return;
      }
      const registration = await link.whenRegistered(REGISTERED_WAIT_MS);
      if (!registration?.identity) {
        report({
          type: 'ended',
          callId: command.callId,
          reason: 'failed',
          detail: registration ? { key: 'signInToBirdcall' } : (link.offlineReason ?? { key: 'serviceUnreachable' }),
        });
        return;
      }
      link.useRelayOnly(command.alwaysRelay);
      if (link.relayMissing) {
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: { key: 'relayMissing' } });
        return;
      }
      dialing.add(command.callId);
      const media = await openBeforeRing(sessionHost.devices, command.kind);
      // Hung up while the browser asked: nobody is rung.
      if (!dialing.delete(command.callId)) {
        if (!media.refused) for (const track of media.opened?.getTracks() ?? []) track.stop();
        return;
      }
      if (media.refused) {
        if (media.refused.permission) report({ type: 'permission-needed' });
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: media.refused.detail });
        return;
      }
      session = CallSession.dial(sessionHost, command.callId, command.peer, command.kind, media.opened);
      return;
    }
    case 'accept':
      if (session?.callId !== command.callId || session.isEnded) {
        // This document no longer holds that call (it ended, or the document was made anew): say so, or the callee waits on "Connecting…".
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: { key: 'callEngineStopped' } });
        return;
      }
      link.useRelayOnly(command.alwaysRelay);
      if (link.relayMissing) {
        session.decline();
        report({ type: 'ended', callId: command.callId, reason: 'failed', detail: { key: 'relayMissing' } });
        return;
      }
      session.accept();
      return;
    case 'decline':
      if (session?.callId === command.callId) session.decline();
      else link.send({ v: 1, type: 'busy', callId: command.callId });
      return;
    case 'hangup':
      dialing.delete(command.callId);
      if (session?.callId === command.callId) session.hangup();
      return;
    case 'set-muted':
      session?.setMuted(command.muted);
      return;
    case 'set-camera-off':
      session?.setCameraOff(command.cameraOff);
      return;
    case 'reconnect':
      link.retryNow();
  }
}

const ownOrigin = browser.runtime.getURL('/');
void claimMediaHost().then((isHost) => isHost && start());

function start(): void {
  browser.runtime.onMessage.addListener((data: unknown, sender) => {
    if ((data as { to?: unknown } | null)?.to !== 'offscreen') return undefined;
    const parsed = parseOffscreenCommand(data, sender, browser.runtime.id, ownOrigin);
    if (!parsed.ok) {
      console.warn('Birdcall: dropped command:', parsed.error);
      return undefined;
    }
    // Acknowledge at once: a dial waits for the service, and the background must not wait with it.
    run(parsed.message).catch((error: unknown) => console.error('Birdcall:', parsed.message.type, 'failed:', error));
    return Promise.resolve(OFFSCREEN_ACK);
  });
  // Asked now, so a dial reads them without a trip to the browser.
  void sessionHost.devices.permission('video');

  void (async () => {
    const reply = (await browser.runtime.sendMessage({ to: 'background', type: 'offscreen-ready' })) as { config?: ServiceConfig | null } | undefined;
    if (reply && config === null && reply.config) {
      config = reply.config;
      link.configure(config);
    }
  })().catch((error: unknown) => console.warn('Birdcall: the background did not answer yet:', error));
}
