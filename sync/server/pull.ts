import { sql, type Kysely } from 'kysely';
import { accessHash } from '../../core/auth/permissions.ts';
import { feedHead, mutationsSettledIn, readFeed, readTablePage } from '../../db/feed.queries.ts';
import type { DB } from '../../db/schema.ts';
import { SYNCED_TABLES, type SyncedTable } from '../../db/sync.tables.ts';
import type { Change, PullRequest, PullResponse, SnapshotCursor } from '../protocol/index.ts';
import type { Principal } from './auth.ts';
import { visibleChanges, visibleOnly } from './scope.ts';

export const DEFAULT_PAGE_ROWS = 5000;

/**
 * One pull: a page of the change feed after the client's cursor, scoped to the user; or, for a
 * new desktop, an unknown or expired cursor, or changed access, a snapshot of every visible row
 * in resumable pages (the client keeps its outbox throughout).
 */
export async function processPull(
  db: Kysely<DB>,
  principal: Principal,
  request: PullRequest,
  serverId: string,
): Promise<PullResponse> {
  const limit = request.limit ?? DEFAULT_PAGE_ROWS;
  const hash = accessHash(principal.access);
  if (request.snapshot)
    return snapshotPage(db, principal, request.snapshot, limit, serverId, false, request.clientId, hash);
  if (request.cursor === null) return startSnapshot(db, principal, limit, serverId, request.clientId, hash);

  if (request.serverId && request.serverId !== serverId)
    return { kind: 'resync-required', serverId, reason: 'other-server' };
  const head = await feedHead(db);
  if (request.cursor > head.last) return { kind: 'resync-required', serverId, reason: 'unknown-cursor' };
  if (request.cursor < head.floor) return { kind: 'resync-required', serverId, reason: 'expired-cursor' };
  const known = await sql<{ scope_hash: string }>`
    select scope_hash from sync_clients where client_id = ${request.clientId}`.execute(db);
  const stored = known.rows[0]?.scope_hash;
  if (stored !== undefined && stored !== '' && stored !== hash)
    return { kind: 'resync-required', serverId, reason: 'scope-changed' };

  const { changes, through } = await readFeed(db, request.cursor, limit);
  const visible = await visibleChanges(db, principal.access, changes);
  const mine = await mutationsSettledIn(db, request.clientId, request.cursor, through);
  return {
    kind: 'changes',
    serverId,
    changes: visible.map(({ table, pk, row }) => ({ table, pk, row })),
    mine,
    cursor: through,
    more: through < head.last,
  };
}

async function startSnapshot(
  db: Kysely<DB>,
  principal: Principal,
  limit: number,
  serverId: string,
  clientId: string,
  hash: string,
): Promise<PullResponse> {
  const head = await feedHead(db);
  return snapshotPage(db, principal, { at: head.last, table: 0, after: null }, limit, serverId, true, clientId, hash);
}

/**
 * Rows read now may already include changes after `at`; replaying the feed from `at` afterwards
 * applies them again in order, so the desktop converges on the same state.
 */
async function snapshotPage(
  db: Kysely<DB>,
  principal: Principal,
  cursor: SnapshotCursor,
  limit: number,
  serverId: string,
  reset: boolean,
  clientId: string,
  hash: string,
): Promise<PullResponse> {
  const head = await feedHead(db);
  // The feed was compacted past the snapshot's position while it downloaded: start again.
  if (cursor.at < head.floor) return startSnapshot(db, principal, limit, serverId, clientId, hash);
  const changes: Change[] = [];
  let position: SnapshotCursor | null = cursor;
  while (position && changes.length < limit) {
    const table: SyncedTable | undefined = SYNCED_TABLES[position.table];
    if (!table) {
      position = null;
      break;
    }
    const want = limit - changes.length;
    const rows = await readTablePage(db, table.name, position.after, want);
    const items = rows.map((row) => ({ table: table.name, pk: table.pk.map((c) => row[c]), row }));
    for (const v of await visibleOnly(db, principal.access, items)) changes.push(v);
    const last = rows.at(-1);
    position =
      rows.length < want || !last
        ? { at: position.at, table: position.table + 1, after: null }
        : { at: position.at, table: position.table, after: table.pk.map((c) => last[c]) };
  }
  if (position && position.table >= SYNCED_TABLES.length) position = null;
  // The desktop now holds exactly what this access may see: remember which access that was.
  if (position === null)
    await sql`update sync_clients set scope_hash = ${hash} where client_id = ${clientId}`.execute(db);
  return { kind: 'snapshot', serverId, reset, changes, next: position, cursor: cursor.at };
}
