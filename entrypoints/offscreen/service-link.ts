/**
 * Keeps this browser registered at Birdcall's service for as long as it runs: the control socket
 * (prove the device key on a fresh challenge, learn who we are), and the PeerJS Peer under the
 * session id and token the service issued for that socket. Reconnects with backoff; a new
 * connection is a new challenge, a new session id and a new token. While the service cannot be
 * reached the link says so at once, and why ("offline"), and calls fail at once with that reason.
 */
import Peer, { type MediaConnection, type PeerError } from 'peerjs';
import type { Phrase } from '@/lib/i18n';
import type { ServiceConfig, SignalStatus } from '@/lib/messages';
import { controlSocketUrl, parseSignalUrl, type SignalServer } from '@/lib/signal-config';
import { helloPayload, parseServerMessage, type ClientMessage, type Identity, type PublicJwk, type ServerMessage } from '@/lib/wire';
import type { DeviceKey } from './device-key';

/** What a registration gives: valid until the control socket closes. */
export interface Registration {
  readonly identity: Identity | null;
  readonly signIn: boolean;
  readonly serviceKey: PublicJwk;
  readonly peer: Peer;
}

export interface ServiceLinkListener {
  status(status: SignalStatus, detail?: Phrase): void;
  account(identity: Identity | null, signIn: boolean): void;
  /** Everything about calls and sign-in that the service says. */
  message(message: Exclude<ServerMessage, { type: 'challenge' | 'registered' | 'pong' | 'ice-servers' }>, registration: Registration): void;
  mediaCall(call: MediaConnection): void;
  /** The registration is gone (its socket closed, or was replaced): what rang on it is over at the service. */
  registrationLost(): void;
}

/** The media and socket globals the link uses, replaced in tests. */
export interface LinkSeams {
  deviceKey(): Promise<DeviceKey>;
  openSocket(url: string): WebSocket;
  createPeer(id: string, server: SignalServer, token: string, config: RTCConfiguration): Peer;
}

const browserSeams: LinkSeams = {
  deviceKey: () => import('./device-key').then((m) => m.deviceKey()),
  openSocket: (url) => new WebSocket(url),
  createPeer: (id, server, token, config) =>
    // Only the ICE servers the service gives: PeerJS's defaults name public STUN/TURN hosts.
    new Peer(id, { ...server, key: 'peerjs', token, debug: 1, config }),
};

/** Backoff between reconnects; each wait is jittered by ±20% so a restarted service is not hit by everyone at once. */
const RETRY_MS = [500, 1000, 2000, 4000, 8000, 10000];
const PING_MS = 25_000;
/** How long checkAlive() waits for the service's pong before it takes the socket for dead. */
const ALIVE_TIMEOUT_MS = 3_000;
/** A service that has not registered this device this long after the socket was opened does not answer (a black-holed address). */
const ANSWER_TIMEOUT_MS = 10_000;

export class ServiceLink {
  private config: ServiceConfig | null = null;
  private socket: WebSocket | null = null;
  private registration: Registration | null = null;
  private handleTaken = false;
  private relayOnly = false;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private waiters: Array<(registration: Registration | null) => void> = [];
  private aliveTimer: ReturnType<typeof setTimeout> | null = null;
  private answerTimer: ReturnType<typeof setTimeout> | null = null;
  /** Why the service cannot be reached now, until the next registration or until asked to retry; null while trying for the first time, or connected. */
  private offline: Phrase | null = null;
  /** Peers of sessions that ended while a call may still use their media connection. */
  private retired: Peer[] = [];

  constructor(
    private readonly listener: ServiceLinkListener,
    private readonly seams: LinkSeams = browserSeams,
  ) {}

  /** Connects to `config`'s service; null disconnects (the background says why: it found no usable URL). */
  configure(config: ServiceConfig | null): void {
    if (JSON.stringify(config) === JSON.stringify(this.config) && this.socket) return;
    this.config = config;
    this.retries = 0;
    this.offline = null;
    this.teardown();
    if (config) this.connect();
  }

  /** Tries the service again now (the person asked), not at the next backoff. */
  retryNow(): void {
    if (!this.config || this.registration) return;
    this.retries = 0;
    this.offline = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.closeSocket();
    this.connect();
  }

  /** Why the service cannot be reached now, or null. */
  get offlineReason(): Phrase | null {
    return this.offline;
  }

  get current(): Registration | null {
    return this.registration?.peer.open ? this.registration : null;
  }

  /** The registration once the Peer is open, waiting up to timeoutMs; null when the service is not reachable by then, or at once while it is known to be offline. */
  whenRegistered(timeoutMs: number): Promise<Registration | null> {
    if (this.current) return Promise.resolve(this.current);
    if (this.offline) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (registration: Registration | null) => {
        clearTimeout(timer);
        resolve(registration);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * The network changed under a call (its media path went away): a socket whose address is gone
   * stays "open" for minutes, so ask the service, and reconnect at once when it does not answer.
   */
  checkAlive(): void {
    if (this.aliveTimer || !this.send({ v: 1, type: 'ping' })) return;
    this.aliveTimer = setTimeout(() => {
      this.aliveTimer = null;
      if (!this.socket) return;
      this.closeSocket();
      this.connect();
    }, ALIVE_TIMEOUT_MS);
  }

  /** Sends a frame on the registered control socket; false when there is none. */
  send(message: ClientMessage): boolean {
    if (!this.registration || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    const config = this.config;
    if (!config) return;
    const parsed = parseSignalUrl(config.url);
    if (!parsed.ok) {
      this.listener.status('error', parsed.error);
      return;
    }
    // While offline, a retry in the background says nothing new: the reason stays on screen until it works.
    if (!this.handleTaken && !this.offline) this.listener.status('connecting');
    const service = new URL(config.url).host;
    let socket: WebSocket;
    try {
      socket = this.seams.openSocket(controlSocketUrl(parsed.server));
    } catch (error) {
      this.listener.status('error', { key: 'serviceError', args: [String(error)] });
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    this.answerTimer = setTimeout(() => {
      if (socket !== this.socket) return;
      this.closeSocket();
      this.goOffline({ key: 'offlineSilent', args: [service] });
    }, ANSWER_TIMEOUT_MS);
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      void this.onFrame(socket, parsed.server, String(event.data)).catch((error: unknown) => {
        console.warn('Birdcall: service frame failed:', error);
      });
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.stopAnswerWait();
      const wasRegistered = this.registration !== null;
      this.dropSession();
      this.goOffline({ key: wasRegistered ? 'offlineLost' : 'offlineUnreachable', args: [service] });
    };
  }

  /** The service cannot be reached: say why at once, fail whoever waits for it, try again after the backoff. */
  private goOffline(reason: Phrase): void {
    this.offline = reason;
    this.listener.status('offline', reason);
    for (const waiter of this.waiters.splice(0)) waiter(null);
    this.scheduleRetry();
  }

  /** Stops listening to the current socket and closes it. */
  private closeSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.stopAnswerWait();
    if (!socket) return;
    socket.onmessage = socket.onclose = null;
    socket.close();
    this.dropSession();
  }

  private async onFrame(socket: WebSocket, server: SignalServer, frame: string): Promise<void> {
    const parsed = parseServerMessage(frame);
    if (!parsed.ok) {
      console.warn('Birdcall: dropped a frame from the service:', parsed.error);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'challenge': {
        const key = await this.seams.deviceKey();
        const signature = await key.sign(helloPayload(message.nonce));
        const claim = this.config?.claim;
        socket.send(JSON.stringify({ v: 1, type: 'hello', publicKey: key.publicKey, signature, ...(claim ? { claim } : {}) }));
        return;
      }
      case 'registered':
        this.register(server, message);
        return;
      case 'pong':
        if (this.aliveTimer) clearTimeout(this.aliveTimer);
        this.aliveTimer = null;
        return;
      case 'ice-servers':
        // Fresh TURN credentials before the old ones expire: for every connection made from now on.
        if (this.registration) this.registration.peer.options.config = this.rtcConfig(message.iceServers);
        return;
      case 'refused':
        if (message.reason === 'handle-taken') {
          // Shown until resolved: another device holds this handle on an open service.
          this.handleTaken = true;
          this.listener.status('id-taken');
          return;
        }
        if (message.reason !== 'sign-in-failed') console.warn('Birdcall: the service refused:', message.reason, message.detail);
        break;
    }
    if (this.registration) this.listener.message(message as Parameters<ServiceLinkListener['message']>[0], this.registration);
  }

  private register(server: SignalServer, message: Extract<ServerMessage, { type: 'registered' }>): void {
    const previous = this.registration;
    // A second `registered` on one socket (after sign-in) keeps the session's Peer, with the ICE servers it now brings.
    const peer = previous?.peer ?? this.createPeer(server, message);
    if (previous) peer.options.config = this.rtcConfig(message.iceServers);
    this.registration = { identity: message.identity, signIn: message.signIn, serviceKey: message.serviceKey, peer };
    if (message.identity) this.handleTaken = false;
    this.retries = 0;
    this.listener.account(message.identity, message.signIn);
    this.pingTimer ??= setInterval(() => this.send({ v: 1, type: 'ping' }), PING_MS);
    if (peer.open) this.opened();
  }

  private createPeer(server: SignalServer, message: Extract<ServerMessage, { type: 'registered' }>): Peer {
    const peer = this.seams.createPeer(message.peerId, server, message.peerToken, this.rtcConfig(message.iceServers));
    peer.on('open', () => {
      if (this.registration?.peer === peer) this.opened();
    });
    peer.on('call', (call) => {
      if (this.registration?.peer === peer) this.listener.mediaCall(call);
      else call.close();
    });
    peer.on('disconnected', () => {
      // The relay socket dropped while the control socket lives: the token is still good.
      if (this.registration?.peer === peer && !peer.destroyed) setTimeout(() => !peer.destroyed && peer.reconnect(), 500);
    });
    peer.on('error', (error: PeerError<string>) => {
      if (error.type === 'peer-unavailable' || error.type === 'network') return; // calls and 'disconnected' handle these
      console.warn('Birdcall: PeerJS:', error.type, error.message);
    });
    return peer;
  }

  /**
   * Relay-only or not for the connection about to be made (PeerJS reads its config when it makes
   * each RTCPeerConnection): set as each call starts, from the "Always relay calls" option.
   */
  useRelayOnly(on: boolean): void {
    this.relayOnly = on;
    if (this.registration) this.registration.peer.options.config = this.rtcConfig(this.registration.peer.options.config.iceServers ?? []);
  }

  /** What every RTCPeerConnection of this session is made with: the service's ICE servers, relay-only when chosen. */
  private rtcConfig(iceServers: RTCIceServer[]): RTCConfiguration {
    return { iceServers, iceTransportPolicy: this.relayOnly ? 'relay' : 'all' };
  }

  /** What a call's connection is made with now (rtcConfig); null while not registered. */
  get callConfiguration(): RTCConfiguration | null {
    return this.registration?.peer.options.config ?? null;
  }

  /** A relay pre-connection's: the service's TURN servers only, relay-only; null when it offers none. */
  get relayConfiguration(): RTCConfiguration | null {
    const relays = this.callConfiguration?.iceServers?.filter(isRelayServer) ?? [];
    return relays.length > 0 ? { iceServers: relays, iceTransportPolicy: 'relay' } : null;
  }

  /** Relay-only is chosen but the service offers no relay: such a call could never connect. */
  get relayMissing(): boolean {
    return this.callConfiguration?.iceTransportPolicy === 'relay' && this.relayConfiguration === null;
  }

  private opened(): void {
    const registration = this.registration;
    if (!registration) return;
    this.stopAnswerWait();
    this.offline = null;
    if (!this.handleTaken) this.listener.status('connected');
    for (const waiter of this.waiters.splice(0)) waiter(registration);
  }

  private scheduleRetry(): void {
    if (this.retryTimer || !this.config) return;
    const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)]! * (0.8 + Math.random() * 0.4);
    this.retries++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private dropSession(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.aliveTimer) clearTimeout(this.aliveTimer);
    this.aliveTimer = null;
    const peer = this.registration?.peer;
    this.registration = null;
    if (!peer) return;
    // disconnect(), not destroy(): a call on this Peer goes on (the service rebinds it to the next session).
    peer.disconnect();
    this.retired.push(peer);
    this.listener.registrationLost();
  }

  /** No call runs any more: the Peers of earlier sessions can go. */
  releaseRetired(): void {
    for (const peer of this.retired.splice(0)) peer.destroy();
  }

  private stopAnswerWait(): void {
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = null;
  }

  private teardown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.closeSocket();
    this.releaseRetired();
    this.handleTaken = false;
  }
}

const isRelayServer = (server: RTCIceServer) => [server.urls].flat().some((url) => /^turns?:/.test(url));
