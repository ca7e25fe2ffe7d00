/** Certificates from Birdcall's service, made here with jose the way the service makes them. */
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Handle } from '@/lib/handle';
import type { Identity, PublicJwk } from '@/lib/wire';
import { checkCertificate } from './certificates';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

let service: KeyPair;
let impostor: KeyPair;
let serviceKey: PublicJwk;

async function publicJwk(pair: KeyPair): Promise<PublicJwk> {
  const { kty, crv, x, y } = await exportJWK(pair.publicKey);
  return { kty: kty as 'EC', crv: crv as 'P-256', x: x!, y: y! };
}

const alice: Identity = { handle: 'alice' as Handle, verified: true };
const now = () => Math.floor(Date.now() / 1000);

function certificate(claims: JWTPayload, signer: KeyPair = service, { iat = now(), exp = now() + 3600 } = {}) {
  return new SignJWT({ handle: 'alice', verified: true, device: 'dGh1bWJwcmludA', ...claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(signer.privateKey);
}

const b64 = (value: unknown) => btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

beforeAll(async () => {
  service = await generateKeyPair('ES256', { extractable: true });
  impostor = await generateKeyPair('ES256', { extractable: true });
  serviceKey = await publicJwk(service);
});

describe('checkCertificate', () => {
  it("accepts the service's current certificate for the claimed handle, with what it says about verification", async () => {
    expect(await checkCertificate(await certificate({}), serviceKey, alice)).toEqual({ ok: true, identity: alice });
    // The certificate wins over what the frame around it claims.
    const unverified = await certificate({ verified: false });
    expect(await checkCertificate(unverified, serviceKey, alice)).toEqual({ ok: true, identity: { handle: 'alice', verified: false } });
  });

  it('refuses a certificate signed with another key', async () => {
    const result = await checkCertificate(await certificate({}, impostor), serviceKey, alice);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('certificate refused') });
  });

  it('refuses a tampered certificate', async () => {
    const [header, , signature] = (await certificate({ verified: false })).split('.');
    const forged = `${header}.${b64({ handle: 'alice', verified: true, device: 'dGh1bWJwcmludA', iat: now(), exp: now() + 3600 })}.${signature}`;
    expect((await checkCertificate(forged, serviceKey, alice)).ok).toBe(false);
    const cut = (await certificate({})).slice(0, -4);
    expect((await checkCertificate(cut, serviceKey, alice)).ok).toBe(false);
  });

  it('refuses an expired certificate', async () => {
    const expired = await certificate({}, service, { iat: now() - 7200, exp: now() - 3600 });
    expect(await checkCertificate(expired, serviceKey, alice)).toMatchObject({ ok: false, error: expect.stringContaining('exp') });
  });

  it('refuses a certificate for another handle', async () => {
    const forBob = await certificate({ handle: 'bob' });
    expect(await checkCertificate(forBob, serviceKey, alice)).toEqual({ ok: false, error: 'certificate is for @bob, not @alice' });
  });

  it('refuses an unsigned certificate (alg none)', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ handle: 'alice', verified: true, device: 'dGh1bWJwcmludA', iat: now(), exp: now() + 3600 })}.`;
    expect((await checkCertificate(unsigned, serviceKey, alice)).ok).toBe(false);
    expect((await checkCertificate(`${unsigned}AAAA`, serviceKey, alice)).ok).toBe(false);
  });

  it('refuses a signed token that lacks the certificate claims', async () => {
    const noHandle = await new SignJWT({ verified: true }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt().setExpirationTime('1h').sign(service.privateKey);
    expect((await checkCertificate(noHandle, serviceKey, alice)).ok).toBe(false);
  });

  it('refuses garbage', async () => {
    expect((await checkCertificate('not.a.jws', serviceKey, alice)).ok).toBe(false);
    expect((await checkCertificate('', serviceKey, alice)).ok).toBe(false);
  });
});
