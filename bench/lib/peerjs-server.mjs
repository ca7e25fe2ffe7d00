#!/usr/bin/env node
/**
 * A bare PeerJS signaling server (the `peer` package), for the bench's PeerJS baselines only:
 * Birdcall itself uses its own service (server/, `npm run signal`).
 *
 *   node bench/lib/peerjs-server.mjs --port 0     # prints BIRDCALL_SIGNAL_URL=http://127.0.0.1:<port>/
 *
 * bench/lib/peer-server.ts runs this script that way and reads the `BIRDCALL_SIGNAL_URL=` line.
 *
 * Why not `PeerServer()` from `peer`: it creates and listens on its own http.Server without handing
 * it out, so "port already in use" becomes an uncaught exception. This does what PeerServer does
 * (an express app with ExpressPeerServer mounted, on a plain http.Server) with the server in hand.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { ExpressPeerServer } from 'peer';

// express is a dependency of `peer`; resolve it from there rather than relying on hoisting.
const requireFromPeer = createRequire(import.meta.resolve('peer'));
const express = requireFromPeer('express');

const USAGE = `Usage: node bench/lib/peerjs-server.mjs [--port <port>] [--host <host>] [--quiet]

  --port, -p   port to listen on (default: $PORT or 9000; 0 picks a free port)
  --host       address to bind (default: $HOST or 127.0.0.1; 0.0.0.0 to accept other machines)
  --quiet, -q  do not log peers connecting and leaving
  --help, -h   show this help`;

function fail(message) {
  console.error(`signal-server: ${message}`);
  process.exit(1);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const portText = args.port ?? process.env.PORT ?? '9000';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) fail(`invalid port "${portText}" (expected 0-65535)`);
const host = args.host ?? process.env.HOST ?? '127.0.0.1';
const quiet = args.quiet;

const log = (...parts) => {
  if (!quiet) console.log(new Date().toISOString(), ...parts);
};

const app = express();
const server = http.createServer(app);
const peerServer = ExpressPeerServer(server, { path: '/', allow_discovery: false });
app.use(peerServer);
peerServer.on('connection', (client) => log('peer connected:', client.getId()));
peerServer.on('disconnect', (client) => log('peer left:', client.getId()));
peerServer.on('error', (error) => {
  // Listen errors reach here too (ws forwards them); the server's own handler below reports them.
  if (error.syscall !== 'listen') console.error('signal-server: websocket error:', error.message);
});

// Remember open sockets (including upgraded WebSockets) so shutdown does not wait for clients.
const sockets = new Set();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

server.on('error', (error) => {
  if (error.code === 'EADDRINUSE') {
    fail(`port ${port} on ${host} is already in use (another signal server?). Pick another with --port <port> or PORT=<port>.`);
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    fail(`cannot bind to host "${host}" (${error.code}). Use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0.`);
  }
  if (error.code === 'EACCES') fail(`not allowed to listen on port ${port}; use a port above 1023.`);
  fail(`server error: ${error.message}`);
});

server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const wildcard = host === '0.0.0.0' || host === '::';
  const urlHost = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${actualPort}/`;
  console.log(`Bench PeerServer (bare PeerJS, baselines only) listening on ${host}:${actualPort}`);
  console.log(`BIRDCALL_SIGNAL_URL=${url}`);
  if (wildcard) {
    console.log(`Listening on all interfaces: other machines use http://<this machine's name or IP>:${actualPort}/`);
    console.log('(put it behind TLS, https://..., when it is reachable from the internet)');
  }
  console.log('Press Ctrl+C to stop.');
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  // peer's housekeeping timers cannot be stopped from outside, so exit once the server closed.
  const force = setTimeout(() => process.exit(0), 2000);
  force.unref();
  server.close(() => process.exit(0));
  for (const socket of sockets) socket.destroy();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
