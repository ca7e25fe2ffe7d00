/** A test device: a real WebCrypto P-256 key, a control socket, hello, and the frames it gets. */
import { webcrypto } from 'node:crypto';
import type * as v from 'valibot';
import { WebSocket } from 'ws';
import { helloPayload, type ClientMessageSchema, type PublicJwk, type ServerMessage } from '../../lib/wire';
import type { RunningService } from '../service';
import { Inbox } from './inbox';
import { wsUrl } from './test-service';

type Registered = Extract<ServerMessage, { type: 'registered' }>;
/** Client frames as written (before parsing), without the version field, which send() adds. */
type ClientFrame = v.InferInput<typeof ClientMessageSchema>;
type Outgoing = ClientFrame extends infer M ? (M extends ClientFrame ? Omit<M, 'v'> : never) : never;

export class TestDevice {
  ws!: WebSocket;
  inbox!: Inbox<ServerMessage>;
  registered!: Registered;
  lastHello!: string;

  private constructor(
    readonly keys: webcrypto.CryptoKeyPair,
    readonly publicKey: PublicJwk,
  ) {}

  static async create(): Promise<TestDevice> {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const { x, y } = await webcrypto.subtle.exportKey('jwk', keys.publicKey);
    return new TestDevice(keys, { kty: 'EC', crv: 'P-256', x: x!, y: y! });
  }

  /** Connects and says hello; resolves with `registered`. */
  async connect(service: RunningService, claim?: string): Promise<Registered> {
    const challenge = await this.open(service);
    this.lastHello = await this.helloFrame(challenge.nonce, claim);
    this.ws.send(this.lastHello);
    this.registered = await this.inbox.next('registered');
    return this.registered;
  }

  /** Opens the control socket and waits for the challenge, without saying hello. */
  async open(service: RunningService): Promise<Extract<ServerMessage, { type: 'challenge' }>> {
    this.ws = new WebSocket(wsUrl(service, '/control'));
    this.inbox = new Inbox<ServerMessage>(this.ws);
    return this.inbox.next('challenge');
  }

  async helloFrame(nonce: string, claim?: string): Promise<string> {
    const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, helloPayload(nonce));
    return JSON.stringify({
      v: 1,
      type: 'hello',
      publicKey: this.publicKey,
      signature: Buffer.from(signature).toString('base64url'),
      ...(claim ? { claim } : {}),
    });
  }

  send(frame: Outgoing): void {
    this.ws.send(JSON.stringify({ v: 1, ...frame }));
  }

  get peerId(): string {
    return this.registered.peerId;
  }

  close(): Promise<unknown> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.ws.close();
    return this.inbox.whenClosed();
  }
}

/** A device registered in open mode with a first-come handle. */
export async function deviceWithHandle(service: RunningService, handle: string): Promise<TestDevice> {
  const device = await TestDevice.create();
  const registered = await device.connect(service, handle);
  if (registered.identity?.handle !== handle) throw new Error(`@${handle} not bound: ${JSON.stringify(registered.identity)}`);
  return device;
}
