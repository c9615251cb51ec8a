import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointWhenIdle, openSqlite } from './connect.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Frames in the write-ahead log not yet copied into the database file, read from the wal-index
 * (the -shm file, SQLite's documented format) without running a checkpoint ourselves:
 * mxFrame (u32 at byte 16 of the index header) minus nBackfill (u32 at byte 96).
 */
function pendingFrames(file: string): number {
  const shm = readFileSync(`${file}-shm`);
  return shm.readUInt32LE(16) - shm.readUInt32LE(96);
}

describe('openSqlite', () => {
  it('leaves checkpoints out of commits (wal_autocheckpoint raised), and checkpoints when idle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-wal-'));
    dirs.push(dir);
    const file = join(dir, 'oms.sqlite');
    const conn = openSqlite(file);
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(conn.db);
    expect(Number(rows[0]?.wal_autocheckpoint)).toBe(4000);
    await sql`create table t (x text)`.execute(conn.db);
    for (let i = 0; i < 200; i += 1) await sql`insert into t values (${'x'.repeat(2000)})`.execute(conn.db);

    // 200 rows of 2 kB stay in the log: far below the automatic checkpoint's 4,000 pages.
    const before = pendingFrames(file);
    expect(before).toBeGreaterThan(100);
    let last = Date.now() + 10_000;
    const stop = checkpointWhenIdle(conn.db, () => last, 20);
    // While the clerk is busy nothing is checkpointed…
    await new Promise((r) => setTimeout(r, 120));
    expect(pendingFrames(file)).toBe(before);
    // …once idle, the log is copied into the database file.
    last = 0;
    await expect.poll(() => pendingFrames(file), { timeout: 2000, interval: 30 }).toBe(0);
    stop();
    await conn.close();
  });
});
