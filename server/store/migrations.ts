/** Schema versions of the sqlite store, applied in order, each once, recorded in `migrations`. */
export const MIGRATIONS: readonly string[] = [
  // 1: the service's key, devices and X users.
  `CREATE TABLE service_keys (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     private_jwk TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE x_users (
     x_user_id TEXT PRIMARY KEY,
     username TEXT UNIQUE
   );
   CREATE TABLE devices (
     device_id TEXT PRIMARY KEY,
     public_jwk TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     x_user_id TEXT REFERENCES x_users (x_user_id),
     open_handle TEXT UNIQUE
   );
   CREATE INDEX devices_by_x_user ON devices (x_user_id);`,
];
