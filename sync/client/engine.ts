import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, type AppErrorData } from '../../core/errors.ts';
import type { DB } from '../../db/schema.ts';
import {
  PROTOCOL_VERSION,
  type MutationResult,
  type PullResponse,
  type PushResponse,
  type Session,
  type SessionUser,
  type SnapshotCursor,
} from '../protocol/index.ts';
import { rebase, replayAll, type Settlement } from './rebase.ts';
import { Unreachable, type Transport } from './transport.ts';

export type SyncState = 'offline' | 'online' | 'syncing' | 'signed-out' | 'update-required';

export interface SyncStatus {
  state: SyncState;
  /** Commands not yet answered by the server. */
  pending: number;
  /** Open sync issues (refused or failed commands awaiting the clerk). */
  issues: number;
  lastSyncAt: string | null;
  lastError: AppErrorData | null;
  cursor: number | null;
  /** True while an initial sync or resync downloads. */
  downloading: boolean;
  user: SessionUser | null;
}

export interface SyncEngineOptions {
  db: Kysely<DB>;
  clientId: string;
  transport: Transport;
  appVersion: string;
  now?: () => string;
  batchSize?: number;
  pageRows?: number;
  /** Backoff after a failed attempt: doubles from min to max, and never gives up. */
  backoffMs?: { min: number; max: number };
  /** Periodic sync while online, in case a live event was missed. */
  pollMs?: number;
  onStatus?: (status: SyncStatus) => void;
  /** After each successful round (e.g. refill document-number blocks). Failures are ignored. */
  afterRound?: () => Promise<void>;
  /**
   * Called at the start of a round without a stored session: the app may sign in online now
   * (a clerk who signed in offline). Resolves true when a session was adopted.
   */
  resumeSession?: () => Promise<boolean>;
  /** Don't open the SSE live channel (tests that drive sync by hand). */
  live?: boolean;
}

/**
 * Moves the pending commands from `fromSeq` on to start at `toSeq` (keeping their order, their
 * undo images and the dense sequence): the server already holds other commands under those
 * numbers, e.g. after this desktop was restored from an older copy of its database file.
 */
export async function renumberOutbox(db: Kysely<DB>, fromSeq: number, toSeq: number): Promise<void> {
  if (toSeq <= fromSeq) throw new AppError('sync.gap', `Cannot move #${fromSeq} down to #${toSeq}`);
  const shift = toSeq - fromSeq;
  await db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox')
      .select('seq')
      .where('seq', '>=', fromSeq)
      .orderBy('seq', 'desc')
      .execute();
    // Highest first, so no row lands on a seq still taken.
    for (const r of rows) {
      await trx
        .updateTable('outbox')
        .set({ seq: r.seq + shift })
        .where('seq', '=', r.seq)
        .execute();
      await trx
        .updateTable('undo_log')
        .set({ seq: r.seq + shift })
        .where('seq', '=', r.seq)
        .execute();
    }
    await trx
      .updateTable('client_meta')
      .set((eb) => ({ last_seq: eb('last_seq', '+', shift) }))
      .where('id', '=', 1)
      .execute();
  });
}

/**
 * This desktop's device secret (made once, kept in its database): sign-ins present it so the
 * server binds the client id to this device and refuses it from any other.
 */
export async function deviceSecret(db: Kysely<DB>): Promise<string> {
  const value = randomBytes(32).toString('base64url');
  await db
    .insertInto('sync_state')
    .values({ key: 'device_secret', value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('sync_state')
    .select('value')
    .where('key', '=', 'device_secret')
    .executeTakeFirstOrThrow();
  return row.value;
}

const K = {
  cursor: 'cursor',
  snapshot: 'snapshot',
  serverId: 'server_id',
  refresh: 'refresh_token',
  user: 'user',
  lastSync: 'last_sync_at',
} as const;

/**
 * The desktop's sync engine: delivers the outbox in batches, pulls the change feed, rebases.
 * Never drops a command: a network failure retries with backoff forever; a 401 refreshes the
 * token and retries; an expired refresh token pauses sync ("signed-out") with all work kept;
 * a server that no longer supports this app pauses pushing ("update-required").
 */
export class SyncEngine {
  private readonly db: Kysely<DB>;
  private readonly now: () => string;
  private accessToken: string | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = true;
  private liveAbort: AbortController | null = null;
  private status: SyncStatus = {
    state: 'offline',
    pending: 0,
    issues: 0,
    lastSyncAt: null,
    lastError: null,
    cursor: null,
    downloading: false,
    user: null,
  };
  private updateRequired = false;

  constructor(private readonly options: SyncEngineOptions) {
    this.db = options.db;
    this.now = options.now ?? (() => new Date().toISOString());
  }

  // ---------- state ----------
  private async getState(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('sync_state').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  private async setState(key: string, value: string | null): Promise<void> {
    if (value === null) await this.db.deleteFrom('sync_state').where('key', '=', key).execute();
    else
      await this.db
        .insertInto('sync_state')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
  }

  async currentStatus(): Promise<SyncStatus> {
    const pending = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    const issues = await this.db
      .selectFrom('sync_issues')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('resolution', 'is', null)
      .executeTakeFirstOrThrow();
    const cursor = await this.getState(K.cursor);
    const user = await this.getState(K.user);
    this.status = {
      ...this.status,
      pending: Number(pending.n),
      issues: Number(issues.n),
      cursor: cursor === null ? null : Number(cursor),
      lastSyncAt: await this.getState(K.lastSync),
      downloading: cursor === null,
      user: user ? (JSON.parse(user) as SessionUser) : null,
    };
    return this.status;
  }

  private async setStatus(patch: Partial<SyncStatus>): Promise<void> {
    this.status = { ...this.status, ...patch };
    this.options.onStatus?.(await this.currentStatus());
  }

  // ---------- session ----------
  /** Stores a session from an online sign-in. */
  async adoptSession(session: Session): Promise<void> {
    this.accessToken = session.accessToken;
    await this.setState(K.refresh, session.refreshToken);
    await this.setState(K.user, JSON.stringify(session.user));
    if (this.status.state === 'signed-out') await this.setStatus({ state: 'offline', lastError: null });
  }

  async signOut(): Promise<void> {
    const refresh = await this.getState(K.refresh);
    if (refresh) await this.options.transport.post('/auth/logout', { refreshToken: refresh }).catch(() => undefined);
    this.accessToken = null;
    await this.setState(K.refresh, null);
    await this.setState(K.user, null);
    this.liveAbort?.abort();
    await this.setStatus({ state: 'signed-out' });
  }

  async hasSession(): Promise<boolean> {
    return (await this.getState(K.refresh)) !== null;
  }

  private async refresh(): Promise<string> {
    const token = await this.getState(K.refresh);
    if (!token) throw new AppError('auth.invalid-token', 'Not signed in');
    const session = await this.options.transport.post<Session>('/auth/refresh', { refreshToken: token });
    await this.adoptSession(session);
    return session.accessToken;
  }

  /** Runs a server call with the access token; on 401 refreshes once and retries. */
  private async authed<T>(call: (token: string) => Promise<T>): Promise<T> {
    this.accessToken ??= await this.refresh();
    try {
      return await call(this.accessToken);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'auth.token-expired' && err.code !== 'auth.invalid-token'))
        throw err;
      this.accessToken = await this.refresh();
      return call(this.accessToken);
    }
  }

  /** Asks the server for number blocks (per-device ranges) for the given series. */
  async requestNumberBlocks(
    series: string[],
    size: number,
  ): Promise<{ series: string; first: number; last: number }[]> {
    const res = await this.authed((token) =>
      this.options.transport.post<{ blocks: { series: string; first: number; last: number }[] }>(
        '/sync/numbers',
        { clientId: this.options.clientId, series, size },
        token,
      ),
    );
    return res.blocks;
  }

  /** The user of the stored session (the last online sign-in), if any. */
  async sessionUser(): Promise<SessionUser | null> {
    const user = await this.getState(K.user);
    return user ? (JSON.parse(user) as SessionUser) : null;
  }

  get state(): SyncState {
    return this.status.state;
  }

  // ---------- one round ----------
  /** One full round: push everything, then pull to the head. Throws on failure. */
  async syncOnce(): Promise<void> {
    if (!this.updateRequired) await this.pushAll();
    await this.pullAll();
    await this.setState(K.lastSync, this.now());
  }

  async pushAll(): Promise<void> {
    const size = this.options.batchSize ?? 200;
    for (;;) {
      const rows = await this.db
        .selectFrom('outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .orderBy('seq')
        .limit(size)
        .execute();
      if (rows.length === 0) return;
      await this.db
        .updateTable('outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where(
          'seq',
          'in',
          rows.map((r) => r.seq),
        )
        .execute();
      const response = await this.authed((token) =>
        this.options.transport.post<PushResponse>(
          '/sync/push',
          {
            protocol: PROTOCOL_VERSION,
            clientId: this.options.clientId,
            appVersion: this.options.appVersion,
            mutations: rows.map((r) => ({
              seq: r.seq,
              mutationId: r.mutation_id,
              command: r.command,
              version: r.command_version,
              args: JSON.parse(r.args_json) as unknown,
              clientTime: r.created_at,
            })),
          },
          token,
        ),
      );
      await this.recordResults(response.results);
      if (response.stopped?.reason === 'update-required') {
        this.updateRequired = true;
        throw new AppError('sync.update-required', 'The server needs a newer version of this app');
      }
      if (response.stopped?.reason === 'seq-reused') {
        await renumberOutbox(this.db, response.stopped.seq, response.stopped.expectedSeq);
        continue;
      }
      if (response.stopped?.reason === 'gap')
        throw new AppError('sync.gap', `The server expects #${response.stopped.expectedSeq}`, {
          expectedSeq: response.stopped.expectedSeq,
          sent: response.stopped.seq,
        });
      if (response.results.length === 0) return;
    }
  }

  private async recordResults(results: readonly MutationResult[]): Promise<void> {
    const settleNow: Settlement[] = [];
    const cursor = Number((await this.getState(K.cursor)) ?? -1);
    const ours = new Map(
      (
        await this.db
          .selectFrom('outbox')
          .select(['seq', 'mutation_id'])
          .where('seq', 'in', results.length > 0 ? results.map((r) => r.seq) : [-1])
          .execute()
      ).map((r) => [r.seq, r.mutation_id]),
    );
    for (const r of results) {
      // Only the server's answer about this very command settles it.
      if (ours.get(r.seq) !== r.mutationId) continue;
      // Applied with an effect not yet pulled: wait for the feed, so it is never counted twice.
      if (r.status === 'applied' && r.feedSeq !== null && r.feedSeq > cursor) {
        await this.db
          .updateTable('outbox')
          .set({ status: 'applied', feed_seq: r.feedSeq, result_json: JSON.stringify(r.data ?? null) })
          .where('seq', '=', r.seq)
          .execute();
      } else {
        settleNow.push({ seq: r.seq, status: r.status, ...(r.error ? { error: r.error } : {}) });
      }
    }
    if (settleNow.length > 0) await rebase(this.db, { changes: [], settled: settleNow }, this.now);
  }

  async pullAll(): Promise<void> {
    const request = (cursor: number | null, snapshot: SnapshotCursor | null, serverId: string | null) =>
      this.authed((token) =>
        this.options.transport.post<PullResponse>(
          '/sync/pull',
          {
            protocol: PROTOCOL_VERSION,
            clientId: this.options.clientId,
            cursor,
            snapshot,
            serverId,
            limit: this.options.pageRows,
          },
          token,
        ),
      );
    /** The following page, asked for while this one is laid down (server and desktop work at once). */
    let ahead: Promise<PullResponse> | null = null;
    try {
      for (;;) {
        let response: PullResponse;
        if (ahead) {
          response = await ahead;
          ahead = null;
        } else {
          const cursorText = await this.getState(K.cursor);
          const snapshotText = await this.getState(K.snapshot);
          response = await request(
            cursorText === null ? null : Number(cursorText),
            snapshotText ? (JSON.parse(snapshotText) as SnapshotCursor) : null,
            await this.getState(K.serverId),
          );
        }
        if (response.kind === 'changes' && response.more) ahead = request(response.cursor, null, response.serverId);
        if (response.kind === 'snapshot')
          ahead = response.next
            ? request(null, response.next, response.serverId)
            : request(response.cursor, null, response.serverId);
        ahead?.catch(() => undefined);
        await this.applyPage(response);
        if (response.kind === 'changes' && !response.more) return;
      }
    } finally {
      // A page asked for ahead and not used (an error above) is simply dropped: state says where to resume.
      ahead?.catch(() => undefined);
    }
  }

  private async applyPage(response: PullResponse): Promise<void> {
    if (response.kind === 'resync-required') {
      // Keep the outbox; the next page starts a fresh snapshot that empties the replica first.
      await this.setState(K.cursor, null);
      await this.setState(K.snapshot, null);
      return;
    }
    await this.setState(K.serverId, response.serverId);
    if (response.kind === 'changes') {
      const settled = await this.settledBy(response.cursor, response.mine);
      await rebase(
        this.db,
        { changes: response.changes, settled, state: { [K.cursor]: String(response.cursor) } },
        this.now,
      );
      return;
    }
    // A snapshot page.
    const done = response.next === null;
    await rebase(
      this.db,
      {
        changes: response.changes,
        settled: [],
        reset: response.reset,
        replay: false,
        state: {
          [K.snapshot]: done ? null : JSON.stringify(response.next),
          [K.cursor]: done ? String(response.cursor) : null,
        },
      },
      this.now,
    );
    if (done) {
      // Effects of commands the server ran before the snapshot's position are in its rows.
      const settled = await this.settledBy(response.cursor, []);
      if (settled.length > 0) await rebase(this.db, { changes: [], settled, replay: false }, this.now);
      await replayAll(this.db, this.now);
    }
  }

  /** Commands whose server effect is at or below `cursor`, or named by the page as ours. */
  private async settledBy(cursor: number, mine: readonly number[]): Promise<Settlement[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['seq', 'status', 'feed_seq'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'applied'), eb('feed_seq', '<=', cursor)]),
          ...(mine.length > 0 ? [eb('seq', 'in', [...mine])] : []),
        ]),
      )
      .execute();
    return rows.map((r) => ({ seq: r.seq, status: 'applied' as const }));
  }

  // ---------- the loop ----------
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.liveAbort?.abort();
    await this.running?.catch(() => undefined);
  }

  /**
   * One round now, serialised with the background loop (never two rounds at once on one
   * database); resolves when it is done, with the status it left.
   */
  async roundNow(): Promise<SyncStatus> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.round().finally(() => {
      this.running = null;
    });
    await this.running;
    return this.currentStatus();
  }

  /** Something changed locally (or the live channel spoke): sync soon. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.round().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), ms);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    if (!(await this.hasSession())) {
      let resumed = false;
      try {
        resumed = (await this.options.resumeSession?.()) ?? false;
      } catch (err) {
        // The server is still out of reach: stay offline (not signed out) and try again later.
        if (err instanceof Unreachable) {
          this.failures += 1;
          const { min, max } = this.options.backoffMs ?? { min: 1000, max: 30_000 };
          await this.setStatus({
            state: 'offline',
            lastError: { code: 'sync.server-unreachable', message: err.message },
          });
          this.schedule(Math.min(max, min * 2 ** Math.min(this.failures - 1, 16)));
          return;
        }
      }
      if (!resumed) {
        await this.setStatus({ state: 'signed-out' });
        return;
      }
    }
    await this.setStatus({ state: 'syncing' });
    try {
      await this.syncOnce();
      await this.options.afterRound?.().catch(() => undefined);
      this.failures = 0;
      await this.setStatus({ state: this.updateRequired ? 'update-required' : 'online', lastError: null });
      this.ensureLive();
      this.schedule(this.options.pollMs ?? 30_000);
    } catch (err) {
      this.failures += 1;
      const { min, max } = this.options.backoffMs ?? { min: 1000, max: 30_000 };
      const delay = Math.min(max, min * 2 ** Math.min(this.failures - 1, 16));
      if (err instanceof Unreachable) {
        await this.setStatus({
          state: 'offline',
          lastError: { code: 'sync.server-unreachable', message: err.message },
        });
      } else {
        const error = AppError.from(err).toJSON();
        const signedOut = error.code === 'auth.invalid-token' || error.code === 'auth.user-inactive';
        if (signedOut) {
          this.accessToken = null;
          await this.setStatus({ state: 'signed-out', lastError: error });
          return;
        }
        await this.setStatus({
          state: error.code === 'sync.update-required' ? 'update-required' : 'offline',
          lastError: error,
        });
        if (error.code === 'sync.update-required') this.updateRequired = true;
      }
      this.schedule(delay);
    }
  }

  private ensureLive(): void {
    if (this.options.live === false || this.liveAbort || this.stopped || !this.accessToken) return;
    const abort = new AbortController();
    this.liveAbort = abort;
    const token = this.accessToken;
    this.options.transport
      .live(
        token,
        (event) => {
          // `hello` too: a change committed between the last pull and the channel opening
          // announced itself to nobody; the greeting makes the desktop pull it now, not at the next poll.
          if (event === 'feed' || event === 'hello') this.kick();
        },
        abort.signal,
      )
      .catch(() => undefined)
      .finally(() => {
        if (this.liveAbort === abort) this.liveAbort = null;
        // The channel closed (server restart, token expiry): the next round reopens it.
        if (!abort.signal.aborted) this.schedule(1000);
      });
  }
}
