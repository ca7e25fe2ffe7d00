/**
 * Keeps this browser's PeerJS Peer registered at the signaling server under the user's peer id,
 * for as long as the browser runs: reconnects after the server drops, recreates the Peer after
 * fatal socket errors, and reuses the saved token so a restarted document is not refused with
 * "ID is taken" while the server still remembers the old socket.
 */
import Peer, { type DataConnection, type MediaConnection, type PeerError } from 'peerjs';
import { peerIdForHandle } from '@/lib/handle';
import type { PeerConfig, SignalStatus } from '@/lib/messages';

export interface PeerLinkListener {
  status(status: SignalStatus, detail?: string): void;
  connection(connection: DataConnection): void;
  call(call: MediaConnection): void;
  peerUnavailable(peerId: string): void;
}

const RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];

export class PeerLink {
  private peer: Peer | null = null;
  private config: PeerConfig | null = null;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private openWaiters: Array<(peer: Peer) => void> = [];

  constructor(private readonly listener: PeerLinkListener) {}

  configure(config: PeerConfig | null): void {
    if (JSON.stringify(config) === JSON.stringify(this.config) && this.peer && !this.peer.destroyed) return;
    this.config = config;
    this.retries = 0;
    this.teardown();
    if (config) this.create();
    else this.listener.status('offline');
  }

  /** The open Peer, waiting up to timeoutMs for the server; null when it is not reachable by then. */
  whenOpen(timeoutMs: number): Promise<Peer | null> {
    if (this.peer?.open) return Promise.resolve(this.peer);
    return new Promise((resolve) => {
      const waiter = (peer: Peer) => {
        clearTimeout(timer);
        resolve(peer);
      };
      const timer = setTimeout(() => {
        this.openWaiters = this.openWaiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.openWaiters.push(waiter);
    });
  }

  private create(): void {
    const config = this.config;
    if (!config) return;
    this.listener.status('connecting');
    const peer = new Peer(peerIdForHandle(config.handle), { ...config.server, token: config.token, debug: 1 });
    this.peer = peer;
    peer.on('open', () => {
      this.retries = 0;
      this.listener.status('connected');
      for (const waiter of this.openWaiters.splice(0)) waiter(peer);
    });
    peer.on('connection', (connection) => this.listener.connection(connection));
    peer.on('call', (call) => this.listener.call(call));
    peer.on('disconnected', () => {
      if (peer !== this.peer || peer.destroyed) return;
      this.listener.status('connecting', 'Lost the signaling server; reconnecting.');
      this.scheduleRetry(() => peer.reconnect());
    });
    peer.on('error', (error: PeerError<string>) => this.onError(peer, error));
  }

  private onError(peer: Peer, error: PeerError<string>): void {
    if (peer !== this.peer) return;
    switch (error.type) {
      case 'peer-unavailable': {
        const peerId = /Could not connect to peer (\S+)/.exec(error.message)?.[1];
        if (peerId) this.listener.peerUnavailable(peerId);
        return;
      }
      case 'network':
        // Followed by 'disconnected', which reconnects.
        return;
      case 'unavailable-id':
        this.listener.status('id-taken', 'Your handle is online in another browser.');
        this.scheduleRetry(() => this.recreate());
        return;
      case 'browser-incompatible':
      case 'invalid-id':
      case 'invalid-key':
      case 'ssl-unavailable':
        this.listener.status('error', error.message);
        return;
      default:
        if (!peer.destroyed && !peer.disconnected) return; // A connection-level error; calls handle their own.
        this.listener.status('error', `Signaling server: ${error.message}`);
        this.scheduleRetry(() => this.recreate());
    }
  }

  private recreate(): void {
    this.teardown();
    this.create();
  }

  private scheduleRetry(action: () => void): void {
    if (this.retryTimer) return;
    const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
    this.retries++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      action();
    }, delay);
  }

  private teardown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const peer = this.peer;
    this.peer = null;
    peer?.destroy();
  }
}
