/**
 * Birdcall's wire protocol with its service: every frame on the control socket, both ways, as
 * valibot schemas and the types inferred from them. The extension (offscreen document) and the
 * service (server/) both import this one module; nothing else checks these fields.
 *
 * The control socket (`<service>/control`) carries identity and ringing. Media still goes peer to
 * peer through PeerJS, whose own signaling the service relays at `<service>/peerjs` — but only
 * between two session peer ids whose call has been accepted.
 *
 *   service -> device: challenge              device -> service: hello (signed challenge)
 *   service -> device: registered | refused      service -> device: ice-servers (TURN renewal)
 *   caller -> service: ring ... service -> each callee device: incoming
 *   callee -> service: accept | decline | busy     caller -> service: cancel
 *   service -> caller and the accepting device: connect (the other's session peer id)
 *   service -> anyone concerned: ended (why)       either -> service: hangup
 *
 * Strict objects everywhere: an unknown field, at any depth, rejects the frame.
 * No imports outside lib/ and valibot: the service runs this under Node.
 */
import * as v from 'valibot';
import type { Handle } from './handle';

const WIRE_VERSION = 1;

/** Frame limits, enforced by the service on every socket and by the client on what it parses. */
export const LIMITS = {
  /** A control frame: identity and ringing, a certificate at most. */
  controlFrameBytes: 16 * 1024,
  /** A PeerJS relay frame: an SDP offer or answer. */
  relayFrameBytes: 64 * 1024,
  /** Deeper JSON than any frame of ours is refused before it is parsed. */
  jsonDepth: 6,
} as const;

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** An X handle as Birdcall keeps it: lowercase, without "@". */
const HandleSchema = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9_]{1,15}$/),
  v.transform((handle) => handle as Handle),
);
export const CallIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/));
export const CallKindSchema = v.picklist(['audio', 'video']);
export type CallKind = v.InferOutput<typeof CallKindSchema>;
/** Session peer ids are random and unguessable; they are never derived from a handle. */
export const PeerIdSchema = v.pipe(v.string(), v.regex(/^bc[A-Za-z0-9]{30}$/));
const Base64UrlSchema = (max: number) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/), v.maxLength(max));
const JwsSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/), v.maxLength(4096));

/** An ECDSA P-256 public key as a JWK, nothing more (no private part can ride along). */
const PublicJwkSchema = v.strictObject({
  kty: v.literal('EC'),
  crv: v.literal('P-256'),
  x: Base64UrlSchema(64),
  y: Base64UrlSchema(64),
});
export type PublicJwk = v.InferOutput<typeof PublicJwkSchema>;

/** Who a device is on this service. `verified`: X said so (sign-in); false: first come on this service. */
export const IdentitySchema = v.strictObject({
  handle: HandleSchema,
  verified: v.boolean(),
});
export type Identity = v.InferOutput<typeof IdentitySchema>;

const IceServerSchema = v.strictObject({
  urls: v.pipe(v.array(text(300)), v.minLength(1), v.maxLength(8)),
  username: v.optional(text(300)),
  credential: v.optional(text(300)),
});
export type IceServer = v.InferOutput<typeof IceServerSchema>;

/** Why the service ended a call, as the receiving side should see it. */
const EndedReasonSchema = v.picklist([
  'declined',
  'busy',
  'cancelled',
  'no-answer',
  'unavailable',
  'remote-hung-up',
  /** The other side's camera or microphone could not be opened: the call cannot go on. */
  'remote-media-unavailable',
  'answered-elsewhere',
  'declined-elsewhere',
  'rate-limited',
]);
export type EndedReason = v.InferOutput<typeof EndedReasonSchema>;

const RefusedReasonSchema = v.picklist(['bad-signature', 'handle-taken', 'bad-frame', 'too-many', 'sign-in-failed']);

/**
 * A session description or an ICE candidate between the two sides of a call, through the service:
 * - while it rings, a relay-only pre-connection between the caller and each ringing device, so that
 *   Accept only has to start sending (`peer` names the ringing device's session: set by the service
 *   towards the caller, set by the caller towards the service); only relay candidates, without a
 *   related address (isRelayOnlySignal), so neither side learns where the other is;
 * - once accepted, renegotiation of the call's media (an ICE restart after the network changed, or
 *   the move from relay to a direct path). PeerJS never restarts ICE, so Birdcall does it here.
 */
const MediaSignalEntries = {
  callId: CallIdSchema,
  peer: v.optional(PeerIdSchema),
  description: v.optional(v.strictObject({ type: v.picklist(['offer', 'answer']), sdp: text(14 * 1024) })),
  candidate: v.optional(
    v.strictObject({
      candidate: text(1024),
      sdpMid: v.nullish(text(64)),
      sdpMLineIndex: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(64))),
      usernameFragment: v.nullish(text(256)),
    }),
  ),
};

/** Addresses that name no device: the unspecified ones, and loopback (Chrome's `o=` line). */
const NO_DEVICE_ADDRESSES = new Set(['0.0.0.0', '::', '127.0.0.1', '::1']);

/**
 * An ICE candidate line (`candidate:... typ relay raddr 0.0.0.0 rport 0 ...`) that names no address of
 * the device: a relay candidate whose related address, if any, is 0.0.0.0 port 0. Every `typ`, `raddr`
 * and `rport` counts, not just the first: a second one must not slip another address through.
 */
export function isRelayOnlyCandidate(line: string): boolean {
  const fields = line.trim().split(/\s+/);
  const values = (name: string) => fields.filter((_, at) => fields[at - 1] === name);
  return (
    values('typ').join(' ') === 'relay' &&
    values('raddr').every((address) => address === '0.0.0.0' || address === '::') &&
    values('rport').every((port) => port === '0')
  );
}

/**
 * A media-signal that may pass while a call rings: every candidate in it, alone or in its SDP, is
 * relay-only, and every other address in its SDP (`c=`, `o=`, `a=rtcp:`) names no device or is one of
 * its relay candidates' (the default address once candidates are gathered). Any line break counts.
 */
export function isRelayOnlySignal(signal: { description?: { sdp: string }; candidate?: { candidate: string } }): boolean {
  if (signal.candidate && signal.candidate.candidate !== '' && !isRelayOnlyCandidate(signal.candidate.candidate)) return false;
  const sdp = signal.description?.sdp ?? '';
  const candidates = sdp
    .split(/\r\n|\r|\n/)
    .filter((line) => line.startsWith('a=candidate:'))
    .map((line) => line.slice('a='.length));
  if (!candidates.every(isRelayOnlyCandidate)) return false;
  const relays = new Set(candidates.map((line) => line.trim().split(/\s+/)[4]));
  return [...sdp.matchAll(/IN\s+IP[46]\s+(\S+)/g)].every(([, address]) => NO_DEVICE_ADDRESSES.has(address) || relays.has(address));
}

const message = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ v: v.literal(WIRE_VERSION), type: v.literal(type), ...entries });

// ---- service -> device ----

const ServerMessageSchema = v.variant('type', [
  /** First frame on every control socket: sign `helloPayload(nonce)` with the device key. */
  message('challenge', { nonce: Base64UrlSchema(64), signIn: v.boolean() }),
  message('registered', {
    deviceId: Base64UrlSchema(64),
    /** Null until the device proved a handle (X sign-in, or a first-come claim when X is off). */
    identity: v.nullable(IdentitySchema),
    /** A JWS by the service binding identity and device key; null without identity. */
    certificate: v.nullable(JwsSchema),
    /** The service's certificate key, to check other people's certificates. */
    serviceKey: PublicJwkSchema,
    /** This session's PeerJS id and single-session token, valid while this socket lives. */
    peerId: PeerIdSchema,
    peerToken: Base64UrlSchema(64),
    iceServers: v.pipe(v.array(IceServerSchema), v.maxLength(8)),
    signIn: v.boolean(),
  }),
  /**
   * Fresh ICE servers for this session, sent before the TURN credentials in `registered` (or the
   * previous `ice-servers`) expire; they replace those for connections made from now on.
   */
  message('ice-servers', { iceServers: v.pipe(v.array(IceServerSchema), v.maxLength(8)) }),
  /** Registration or a request refused; the socket stays open unless the reason is a bad frame. */
  message('refused', { reason: RefusedReasonSchema, detail: text(300) }),
  message('sign-in-url', { url: text(2048) }),
  message('incoming', {
    callId: CallIdSchema,
    from: IdentitySchema,
    certificate: JwsSchema,
    kind: CallKindSchema,
  }),
  /** The call was accepted: dial (caller) or expect (callee) the other side's session peer id. */
  message('connect', {
    callId: CallIdSchema,
    peerId: PeerIdSchema,
    remote: IdentitySchema,
    certificate: JwsSchema,
  }),
  message('ended', { callId: CallIdSchema, reason: EndedReasonSchema }),
  /** The other side's renegotiation (see MediaSignalEntries). */
  message('media-signal', MediaSignalEntries),
  message('pong', {}),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;

// ---- device -> service ----

export const ClientMessageSchema = v.variant('type', [
  message('hello', {
    publicKey: PublicJwkSchema,
    /** ECDSA P-256 / SHA-256 over helloPayload(nonce), raw r||s, base64url. */
    signature: Base64UrlSchema(128),
    /** Open mode only: the handle x.com shows; with X sign-in configured it is ignored. */
    claim: v.optional(HandleSchema),
  }),
  /**
   * Starts X sign-in: the service answers sign-in-url; the flow ends at redirectUri, an address
   * only the extension's own browser catches (Chromium's chromiumapp.org, Firefox's extensions.allizom.org).
   */
  message('sign-in-start', {
    redirectUri: v.pipe(v.string(), v.regex(/^https:\/\/([a-p]{32}\.chromiumapp\.org|[0-9a-f]{40}\.extensions\.allizom\.org)\/[A-Za-z0-9_\-/]{0,64}$/)),
  }),
  /** What came back to redirectUri: the ticket and its one-time result. */
  message('sign-in-finish', { ticket: Base64UrlSchema(64), result: Base64UrlSchema(64) }),
  message('ring', { callId: CallIdSchema, to: HandleSchema, kind: CallKindSchema }),
  message('accept', { callId: CallIdSchema }),
  message('decline', { callId: CallIdSchema }),
  message('busy', { callId: CallIdSchema }),
  message('cancel', { callId: CallIdSchema }),
  /** `reason`: this side's camera or microphone could not be opened (the other side is told so). */
  message('hangup', { callId: CallIdSchema, reason: v.optional(v.literal('media-unavailable')) }),
  /** To the other side of this device's accepted call; dropped for anyone else. */
  message('media-signal', MediaSignalEntries),
  message('ping', {}),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;

// ---- PeerJS relay (`<service>/peerjs`), device -> service; the service sets `src` ----

/** PeerJS's own frames. Payloads are PeerJS's business and go on as they are; LIMITS bound them. */
const RelayFrameSchema = v.variant('type', [
  v.strictObject({ type: v.literal('HEARTBEAT') }),
  v.strictObject({
    type: v.picklist(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']),
    dst: PeerIdSchema,
    /** Accepted but never trusted: the service overwrites it with the sender's own session id. */
    src: v.optional(PeerIdSchema),
    payload: v.optional(v.record(v.string(), v.unknown())),
  }),
]);

/** What a device signs to prove its key on one connection: the service's fresh nonce. */
export function helloPayload(nonce: string): Uint8Array {
  return new TextEncoder().encode(`birdcall-hello-v1:${nonce}`);
}

/** The claims of a certificate (a JWS, ES256, signed by the service). */
export const CertificateClaimsSchema = v.object({
  handle: HandleSchema,
  verified: v.boolean(),
  /** The device key's JWK thumbprint (RFC 7638). */
  device: Base64UrlSchema(64),
  iat: v.number(),
  exp: v.number(),
});

/** Certificates last a day; a device gets a fresh one on every registration. */
export const CERTIFICATE_TTL_S = 24 * 60 * 60;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

/** True when JSON text nests deeper than maxDepth (strings skipped), without parsing it. */
export function jsonDepthExceeds(json: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/** Parses one frame's text against a schema, refusing oversized or too deeply nested ones first. */
function parseFrame<S extends v.GenericSchema>(schema: S, frame: string, maxBytes: number = LIMITS.controlFrameBytes): ParseResult<v.InferOutput<S>> {
  if (frame.length > maxBytes) return { ok: false, error: `frame of ${frame.length} bytes is over ${maxBytes}` };
  if (jsonDepthExceeds(frame, LIMITS.jsonDepth)) return { ok: false, error: `frame nests deeper than ${LIMITS.jsonDepth}` };
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return { ok: false, error: 'frame is not JSON' };
  }
  const result = v.safeParse(schema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    return { ok: false, error: `malformed frame${path ? ` at ${path}` : ''}: ${issue.message}`.slice(0, 200) };
  }
  return { ok: true, message: result.output };
}

export const parseServerMessage = (frame: string) => parseFrame(ServerMessageSchema, frame);
export const parseClientMessage = (frame: string) => parseFrame(ClientMessageSchema, frame);
export const parseRelayFrame = (frame: string) => parseFrame(RelayFrameSchema, frame, LIMITS.relayFrameBytes);

export function newCallId(): string {
  return crypto.randomUUID();
}
