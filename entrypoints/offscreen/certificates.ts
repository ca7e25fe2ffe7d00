/**
 * Checks a certificate Birdcall's service issued (a JWS binding a handle, "verified by X" or not,
 * to a device key) before anything about the other person is shown or trusted.
 */
import { importJWK, jwtVerify } from 'jose';
import * as v from 'valibot';
import { CertificateClaimsSchema, type Identity, type PublicJwk } from '@/lib/wire';

type CertificateCheck = { ok: true; identity: Identity } | { ok: false; error: string };

/** The certificate must be the service's, current, and about `claimed`; what it says about verification wins. */
export async function checkCertificate(certificate: string, serviceKey: PublicJwk, claimed: Identity): Promise<CertificateCheck> {
  try {
    const key = await importJWK({ ...serviceKey }, 'ES256');
    const { payload } = await jwtVerify(certificate, key, { algorithms: ['ES256'] });
    const claims = v.parse(CertificateClaimsSchema, payload);
    if (claims.handle !== claimed.handle) return { ok: false, error: `certificate is for @${claims.handle}, not @${claimed.handle}` };
    return { ok: true, identity: { handle: claims.handle, verified: claims.verified } };
  } catch (error) {
    return { ok: false, error: `certificate refused: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200) };
  }
}
