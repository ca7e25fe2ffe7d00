/**
 * The baselines' side of the bench: a local http server with one page (PeerJS's own browser build
 * plus the measuring code in ./baseline-page.js) and a WebSocket relay that signals the bare
 * RTCPeerConnection pair. Both browsers of the run open this page at http://127.0.0.1 (a secure
 * context, so getUserMedia works with the fake devices).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

const require = createRequire(import.meta.url);
const PEERJS = readFileSync(require.resolve('peerjs/dist/peerjs.min.js'));
const PAGE_SCRIPT = readFileSync(fileURLToPath(new URL('./baseline-page.js', import.meta.url)));
export const INSTRUMENT = readFileSync(fileURLToPath(new URL('./instrument.js', import.meta.url)), 'utf8');
export const FIRST_FRAME = readFileSync(fileURLToPath(new URL('./first-frame.js', import.meta.url)), 'utf8');
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>birdcall bench baseline</title>
<script src="/peerjs.min.js"></script><script src="/baseline-page.js"></script></head><body></body></html>`;

export interface BaselineServer {
  /** e.g. "http://127.0.0.1:41235/" */
  url: string;
  /** "ws://127.0.0.1:41235/relay" */
  relayUrl: string;
  close(): Promise<void>;
}

export async function startBaselineServer(): Promise<BaselineServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const body =
      path === '/'
        ? PAGE
        : path === '/peerjs.min.js'
          ? PEERJS
          : path === '/baseline-page.js'
            ? PAGE_SCRIPT
            : path === '/first-frame.js'
              ? FIRST_FRAME
              : path === '/instrument.js'
                ? INSTRUMENT
                : null;
    if (body === null) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': path === '/' ? 'text/html; charset=utf-8' : 'text/javascript',
      'cache-control': 'no-store',
    });
    response.end(body);
  });
  // The relay: a client connects with ?id=<name>; a message {to, ...} goes to the client named `to`.
  const relay = new WebSocketServer({ server, path: '/relay' });
  const clients = new Map<string, WebSocket>();
  relay.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const id = new URL(request.url ?? '/', 'http://localhost').searchParams.get('id') ?? '';
    clients.set(id, socket);
    socket.on('message', (data: Buffer) => {
      let to = '';
      try {
        to = String((JSON.parse(data.toString()) as { to?: unknown }).to ?? '');
      } catch {
        return;
      }
      clients.get(to)?.send(data.toString());
    });
    socket.on('close', () => {
      if (clients.get(id) === socket) clients.delete(id);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    relayUrl: `ws://127.0.0.1:${port}/relay`,
    async close() {
      for (const socket of relay.clients) socket.terminate();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
