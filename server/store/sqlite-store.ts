/** The Store on better-sqlite3: one file in the data directory, migrated on open. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Handle } from '../../lib/handle';
import type { PublicJwk } from '../../lib/wire';
import { MIGRATIONS } from './migrations';
import type { DeviceRecord, Store, XUserRecord } from './store';

interface DeviceRow {
  device_id: string;
  public_jwk: string;
  created_at: number;
  last_seen_at: number;
  x_user_id: string | null;
  open_handle: string | null;
}

export function openSqliteStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'birdcall.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const getDeviceRow = db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE device_id = ?');
  const insertDevice = db.prepare(
    'INSERT INTO devices (device_id, public_jwk, created_at, last_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at',
  );
  const setOpenHandle = db.prepare('UPDATE devices SET open_handle = ? WHERE device_id = ? AND open_handle IS NULL');
  const getXUserRow = db.prepare<[string], { x_user_id: string; username: string | null }>('SELECT * FROM x_users WHERE x_user_id = ?');
  const holderOf = db.prepare<[string], { x_user_id: string }>('SELECT x_user_id FROM x_users WHERE username = ?');
  const clearUsername = db.prepare('UPDATE x_users SET username = NULL WHERE x_user_id = ?');
  const upsertXUser = db.prepare('INSERT INTO x_users (x_user_id, username) VALUES (?, ?) ON CONFLICT (x_user_id) DO UPDATE SET username = excluded.username');
  const setDeviceXUser = db.prepare('UPDATE devices SET x_user_id = ? WHERE device_id = ?');

  const bindXUser = db.transaction((deviceId: string, xUserId: string, username: string) => {
    const holder = holderOf.get(username);
    const displacedXUserId = holder && holder.x_user_id !== xUserId ? holder.x_user_id : null;
    if (displacedXUserId) clearUsername.run(displacedXUserId);
    upsertXUser.run(xUserId, username);
    setDeviceXUser.run(xUserId, deviceId);
    return { displacedXUserId };
  });

  return {
    async getServiceKey() {
      const row = db.prepare<[], { private_jwk: string }>('SELECT private_jwk FROM service_keys WHERE id = 1').get();
      return row ? (JSON.parse(row.private_jwk) as JsonWebKey) : null;
    },
    async saveServiceKey(privateJwk) {
      db.prepare('INSERT INTO service_keys (id, private_jwk, created_at) VALUES (1, ?, ?)').run(JSON.stringify(privateJwk), Date.now());
    },
    async touchDevice(deviceId, publicKey, now) {
      insertDevice.run(deviceId, JSON.stringify(publicKey), now, now);
      return toDevice(getDeviceRow.get(deviceId)!);
    },
    async getDevice(deviceId) {
      const row = getDeviceRow.get(deviceId);
      return row ? toDevice(row) : null;
    },
    async claimOpenHandle(deviceId, handle) {
      try {
        setOpenHandle.run(handle, deviceId);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return 'taken';
        throw error;
      }
      return getDeviceRow.get(deviceId)?.open_handle === handle ? 'bound' : 'taken';
    },
    async bindXUser(deviceId, xUserId, username) {
      return bindXUser(deviceId, xUserId, username);
    },
    async getXUser(xUserId): Promise<XUserRecord | null> {
      const row = getXUserRow.get(xUserId);
      return row ? { xUserId: row.x_user_id, username: row.username as Handle | null } : null;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM migrations').get()?.v ?? 0;
  const record = db.prepare('INSERT INTO migrations (version, applied_at) VALUES (?, ?)');
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    if (version <= applied) return;
    db.transaction(() => {
      db.exec(sql);
      record.run(version, Date.now());
    })();
  });
}

function toDevice(row: DeviceRow): DeviceRecord {
  return {
    deviceId: row.device_id,
    publicKey: JSON.parse(row.public_jwk) as PublicJwk,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    xUserId: row.x_user_id,
    openHandle: row.open_handle as Handle | null,
  };
}
