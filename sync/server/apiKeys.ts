import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../db/connect.ts';

/*
 * Per-channel API keys of the Open API order intake (docs/specs/open-api.md). A key is 32 random
 * bytes shown once, when it is made; the server keeps only its SHA-256 (table `api_keys`), so a
 * leaked database does not leak keys. A key belongs to one sales channel for good: every order
 * it sends is that channel's, and it reads that channel's orders only.
 */

/** Keys start with this tag so a scanner (and a person) can tell a Dockside key apart. */
export const API_KEY_PREFIX = 'dsk_';

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export interface NewApiKey {
  id: string;
  channelId: string;
  name: string;
  /** The key itself: shown to the administrator once, never stored. */
  key: string;
}

export interface ApiKeyInfo {
  id: string;
  channelId: string;
  name: string;
  active: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The channel a valid key speaks for. */
export interface ApiChannel {
  keyId: string;
  channelId: string;
  code: string;
  name: string;
}

/** Makes a key for a sales channel; the returned `key` is the only copy. */
export async function createApiKey(db: Database, input: { channelId: string; name: string }): Promise<NewApiKey> {
  const name = input.name.trim();
  if (name === '' || name.length > 100)
    throw new AppError('validation.invalid-input', 'A key needs a name of 1 to 100 characters', {
      fields: [{ path: 'name', code: name === '' ? 'required' : 'too-long', params: { max: 100 } }],
    });
  const channel = await db
    .selectFrom('sales_channels')
    .select('id')
    .where('id', '=', input.channelId)
    .executeTakeFirst();
  if (!channel)
    throw new AppError('masterdata.not-found', `No sales channel ${input.channelId}`, { channelId: input.channelId });
  const id = randomUUID();
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  await sql`insert into api_keys (id, channel_id, name, key_hash)
    values (${id}, ${input.channelId}, ${name}, ${hashApiKey(key)})`.execute(db);
  return { id, channelId: input.channelId, name, key };
}

/** Revokes a key at once (the next request with it is refused); false when there was no active key. */
export async function revokeApiKey(db: Database, id: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    update api_keys set active = 0 where id = ${id} and active = 1 returning id`.execute(db);
  return rows.length > 0;
}

/** The keys of a channel (or of every channel), without anything that would let one use them. */
export async function listApiKeys(db: Database, channelId?: string): Promise<ApiKeyInfo[]> {
  const { rows } = await sql<{
    id: string;
    channel_id: string;
    name: string;
    active: number;
    created_at: Date | string;
    last_used_at: Date | string | null;
  }>`select id, channel_id, name, active, created_at, last_used_at from api_keys
     ${channelId === undefined ? sql`` : sql`where channel_id = ${channelId}`}
     order by created_at, id`.execute(db);
  const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());
  return rows.map((r) => ({
    id: r.id,
    channelId: r.channel_id,
    name: r.name,
    active: Number(r.active) === 1,
    createdAt: iso(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : iso(r.last_used_at),
  }));
}

/**
 * The channel of a presented key, or `channel.invalid-key` (missing, unknown, revoked, or its
 * channel deactivated — the answer does not say which).
 */
export async function authenticateApiKey(db: Database, key: string | undefined): Promise<ApiChannel> {
  if (!key || !key.startsWith(API_KEY_PREFIX) || key.length > 200)
    throw new AppError('channel.invalid-key', 'Missing or invalid X-Api-Key');
  const { rows } = await sql<{ key_id: string; channel_id: string; code: string; name: string }>`
    update api_keys k set last_used_at = now()
    from sales_channels c
    where k.key_hash = ${hashApiKey(key)} and k.active = 1 and c.id = k.channel_id and c.active = 1
    returning k.id as key_id, c.id as channel_id, c.code, c.name`.execute(db);
  const row = rows[0];
  if (!row) throw new AppError('channel.invalid-key', 'Missing or invalid X-Api-Key');
  return { keyId: row.key_id, channelId: row.channel_id, code: row.code, name: row.name };
}
