/** Checks a hello: the device's signature over this connection's nonce proves it holds the key. */
import { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { helloPayload, type PublicJwk } from '../../lib/wire';

/** The device id (RFC 7638 thumbprint of its key) when the signature is good, else null. */
export async function verifyHello(publicKey: PublicJwk, signature: string, nonce: string): Promise<string | null> {
  try {
    const key = await webcrypto.subtle.importKey('jwk', { ...publicKey, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const good = await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(signature, 'base64url'), helloPayload(nonce));
    return good ? await calculateJwkThumbprint(publicKey, 'sha256') : null;
  } catch {
    // Not a point on the curve, or otherwise unusable: as bad as a wrong signature.
    return null;
  }
}
