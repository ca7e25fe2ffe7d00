/**
 * Birdcall's service: HTTP (health, metrics, X sign-in) on fastify, and two WebSocket endpoints on
 * the same server: /control (identity and ringing) and /peerjs (the PeerJS relay).
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { LIMITS } from '../lib/wire';
import { withTrailingSlash, type ServiceConfig } from './config';
import { acceptControlSocket, type ControlDeps } from './control/control-socket';
import { Sessions } from './control/session';
import { loadOrCreateServiceKey } from './identity/service-key';
import { CLOSE } from './limits/close-codes';
import { createMetrics } from './metrics';
import { acceptRelaySocket } from './relay/peerjs-relay';
import { Calls } from './ringing/calls';
import { registerXRoutes } from './sign-in/x-routes';
import { TICKET_TTL_MS, Tickets } from './sign-in/tickets';
import { openSqliteStore } from './store/sqlite-store';
import type { Store } from './store/store';
import { IceRenewals } from './turn/renewal';

interface Timeouts {
  /** A socket that has not said hello by then is refused. */
  helloMs: number;
  ringMs: number;
  unavailableDelayMs: number;
  signInTicketMs: number;
  /** ws ping interval; a socket that missed the previous pong is dropped. */
  heartbeatMs: number;
  /** An accepted call waits this long for a device whose control socket was lost to register again. */
  reconnectGraceMs: number;
}

const DEFAULT_TIMEOUTS: Timeouts = {
  helloMs: 10_000,
  ringMs: 45_000,
  unavailableDelayMs: 1_500,
  signInTicketMs: TICKET_TTL_MS,
  heartbeatMs: 30_000,
  reconnectGraceMs: 30_000,
};

export type ServiceOptions = Partial<Omit<ServiceConfig, 'dataDir'>> & {
  dataDir: string;
  /** The clock for ring rate limits, certificates, sign-in tickets and TURN credential expiries (tests move it). */
  now?: () => number;
  timeouts?: Partial<Timeouts>;
};

export interface RunningService {
  /** http://<bound address>:<port>/ */
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const now = options.now ?? Date.now;
  const x = options.x ?? null;
  const store = openSqliteStore(options.dataDir);
  const serviceKey = await loadOrCreateServiceKey(store);
  const sessions = new Sessions();
  const metrics = createMetrics(() => sessions.size);
  const calls = new Calls(sessions, metrics, timeouts, now);
  const tickets = new Tickets(now, timeouts.signInTicketMs);
  const ice = new IceRenewals(options.turn ?? null, now);
  // Logs go to stderr: stdout carries only the BIRDCALL_SERVICE_URL line the test harness reads.
  const app = Fastify({ logger: { level: options.logLevel ?? 'info', stream: process.stderr } });
  let publicUrl = options.publicUrl ? withTrailingSlash(options.publicUrl) : '';

  app.get('/health', async () => ({ ok: true, devices: sessions.size }));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  registerXRoutes(app, { x, tickets, publicUrl: () => publicUrl });

  const controlDeps: ControlDeps = {
    x,
    store,
    serviceKey,
    sessions,
    calls,
    tickets,
    metrics,
    ice,
    log: app.log,
    now,
    helloTimeoutMs: timeouts.helloMs,
    publicUrl: () => publicUrl,
  };
  const control = new WebSocketServer({ noServer: true, maxPayload: LIMITS.controlFrameBytes });
  const relay = new WebSocketServer({ noServer: true, maxPayload: LIMITS.relayFrameBytes });
  // Sockets that answered the last ping; the others are dropped at the next heartbeat.
  const alive = new WeakSet<WebSocket>();
  const watch = (ws: WebSocket) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('error', (error) => app.log.debug({ err: error }, 'socket error'));
  };

  app.server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const path = new URL(request.url ?? '/', 'http://service').pathname;
      if (path === '/control') {
        control.handleUpgrade(request, socket, head, (ws) => {
          watch(ws);
          acceptControlSocket(ws, controlDeps);
        });
      } else if (path === '/peerjs') {
        relay.handleUpgrade(request, socket, head, (ws) => {
          watch(ws);
          acceptRelaySocket(ws, request, { sessions, calls, log: app.log });
        });
      } else {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    } catch (error) {
      app.log.warn({ err: error }, 'upgrade failed');
      socket.destroy();
    }
  });

  const heartbeat = setInterval(() => {
    for (const ws of [...control.clients, ...relay.clients]) {
      if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
    calls.limiter.sweep();
    tickets.sweep();
  }, timeouts.heartbeatMs);
  heartbeat.unref();

  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 9000 });
  } catch (error) {
    clearInterval(heartbeat);
    ice.close();
    await app.close();
    await store.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}/`;
  publicUrl ||= url;

  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    store,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        calls.close();
        ice.close();
        for (const ws of [...control.clients, ...relay.clients]) ws.close(CLOSE.goingAway, 'service stopping');
        for (const ws of [...control.clients, ...relay.clients]) ws.terminate();
        control.close();
        relay.close();
        await app.close();
        await store.close();
      })()),
  };
}
