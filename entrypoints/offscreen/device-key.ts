/**
 * This browser's device key: ECDSA P-256, made once, private half non-extractable, kept in
 * IndexedDB (CryptoKey objects survive structured cloning as they are). It proves to Birdcall's
 * service, on every connection, that this is the device X sign-in was bound to.
 */
import type { PublicJwk } from '@/lib/wire';

export interface DeviceKey {
  readonly publicKey: PublicJwk;
  /** ECDSA/SHA-256 signature, raw r||s, base64url. */
  sign(data: Uint8Array): Promise<string>;
}

const DB_NAME = 'birdcall';
const STORE = 'keys';
const KEY_ID = 'device';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

async function loadOrCreate(): Promise<CryptoKeyPair> {
  const db = await openDb();
  try {
    const stored = (await request(db.transaction(STORE).objectStore(STORE).get(KEY_ID))) as CryptoKeyPair | undefined;
    if (stored) return stored;
    const pair = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
    // `add`, not `put`: when two contexts race, the first key wins and the loser reads it back.
    try {
      await request(db.transaction(STORE, 'readwrite').objectStore(STORE).add(pair, KEY_ID));
      return pair;
    } catch {
      return (await request(db.transaction(STORE).objectStore(STORE).get(KEY_ID))) as CryptoKeyPair;
    }
  } finally {
    db.close();
  }
}

function base64Url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

let loaded: Promise<DeviceKey> | null = null;

/** The device key, loaded (or made) once per document. */
export function deviceKey(): Promise<DeviceKey> {
  loaded ??= (async () => {
    const pair = await loadOrCreate();
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    return {
      publicKey: { kty: kty as 'EC', crv: crv as 'P-256', x: x!, y: y! },
      sign: async (data) => base64Url(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new Uint8Array(data))),
    };
  })();
  loaded.catch(() => (loaded = null));
  return loaded;
}
