import type { Kysely, Selectable } from 'kysely';
import type { z } from 'zod';
import type { session as sessionSchema, syncIssue, syncSettings, syncStatus } from '../../core/api/sync.api.ts';
import type { CommandContext } from '../../commands/define.ts';
import { findCommand } from '../../commands/registry.ts';
import { runCommand } from '../../commands/runner.ts';
import { AppError } from '../../core/errors.ts';
import { addNumberBlocks, numbersLeft } from '../../db/numbering.queries.ts';
import { NUMBER_PREFIX } from '../../db/orders.queries.ts';
import { supplierPrefixes } from '../../db/dock.queries.ts';
import { ssccSeries } from '../../core/dock/rules.ts';
import { ASN_SERIES } from '../../commands/dock.commands.ts';
import type { DB, SyncIssuesTable } from '../../db/schema.ts';
import { deviceSecret, SyncEngine, type SyncStatus } from '../../sync/client/engine.ts';
import { HttpTransport, Unreachable } from '../../sync/client/transport.ts';
import { hashPassword, verifyPassword } from '../../sync/passwords.ts';
import type { Session, SessionUser } from '../../sync/protocol/index.ts';

type Status = z.output<typeof syncStatus>;
type SessionView = z.output<typeof sessionSchema>;
type Issue = z.output<typeof syncIssue>;
type Settings = z.output<typeof syncSettings>;

export interface DesktopSyncOptions {
  db: Kysely<DB>;
  clientId: string;
  /** From flags/environment; a URL saved in the settings screen wins. */
  serverUrl: string | null;
  appVersion: string;
  /** The local profile, used when no server is configured. */
  localActor: CommandContext['actor'];
  now?: () => string;
  /** Live channel and background loop (off in tests that drive sync by hand). */
  background?: boolean;
}

/** Blocks are requested when fewer numbers than this are left, in blocks of BLOCK_SIZE. */
const LOW_WATER = 200;
const BLOCK_SIZE = 1000;
const SERVER_URL_KEY = 'server_url';

/**
 * The desktop side of sync as the app sees it: the engine, who is signed in (online or with the
 * credentials cached at the last online sign-in), sync issues and the clerk's decisions on them,
 * number blocks, and server settings.
 */
export class DesktopSync {
  private engine: SyncEngine | null = null;
  private serverUrl: string | null = null;
  private user: SessionUser | null = null;
  private offline = false;
  /** After an offline sign-in by someone other than the stored session: sign in online when reachable. */
  private pendingLogin: { username: string; password: string } | null = null;

  constructor(private readonly options: DesktopSyncOptions) {}

  private now(): string {
    return this.options.now?.() ?? new Date().toISOString();
  }

  async start(): Promise<void> {
    const saved = await this.options.db
      .selectFrom('sync_state')
      .select('value')
      .where('key', '=', SERVER_URL_KEY)
      .executeTakeFirst();
    await this.configure(saved ? saved.value || null : this.options.serverUrl);
  }

  private async configure(url: string | null): Promise<void> {
    await this.engine?.stop();
    this.engine = null;
    this.serverUrl = url;
    this.user = null;
    if (!url) return;
    const transport = new HttpTransport(url);
    this.engine = new SyncEngine({
      db: this.options.db,
      clientId: this.options.clientId,
      transport,
      appVersion: this.options.appVersion,
      live: this.options.background !== false,
      afterRound: () => this.afterRound(),
      resumeSession: () => this.resumeSession(),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    this.user = await this.engine.sessionUser();
    if (this.options.background !== false) this.engine.start();
  }

  /**
   * A clerk who signed in offline (not the owner of the stored session) is signed in online as
   * soon as the server answers; until then the engine stays offline. A refusal (password changed
   * meanwhile) leaves sync signed out, with every command kept.
   */
  private async resumeSession(): Promise<boolean> {
    const login = this.pendingLogin;
    if (!login || !this.engine) return false;
    const session = await new HttpTransport(this.serverUrl!)
      .post<Session>('/auth/login', {
        username: login.username,
        password: login.password,
        clientId: this.options.clientId,
        deviceSecret: await deviceSecret(this.options.db),
      })
      .catch((err: unknown) => {
        if (err instanceof Unreachable) throw err;
        this.pendingLogin = null;
        return null;
      });
    if (!session) return false;
    this.pendingLogin = null;
    await this.engine.adoptSession(session);
    await this.remember(session.user, login.password);
    this.user = session.user;
    this.offline = false;
    return true;
  }

  private async afterRound(): Promise<void> {
    this.offline = false;
    const engine = this.engine;
    if (!engine) return;
    const low: string[] = [];
    for (const series of [...new Set(Object.values(NUMBER_PREFIX)), ASN_SERIES, ...(await this.ssccSeries())])
      if ((await numbersLeft(this.options.db, series)) < LOW_WATER) low.push(series);
    if (low.length > 0) await addNumberBlocks(this.options.db, await engine.requestNumberBlocks(low, BLOCK_SIZE));
  }

  /** A supplier clerk keeps a range of its supplier's SSCC serials, for labels printed offline. */
  private async ssccSeries(): Promise<string[]> {
    const supplier = this.user?.scopes.find((s) => s.kind === 'supplier');
    const prefix = supplier ? await supplierPrefixes(this.options.db, supplier.id) : null;
    return prefix ? [ssccSeries(prefix)] : [];
  }

  /** Asks the server on the spot for a series this desktop is short of (when online). */
  async topUp(series: string, count: number): Promise<void> {
    // Only when the last round reached the server: offline, a request would only wait for a timeout.
    if (!this.engine || this.offline || this.engine.state !== 'online') return;
    const size = Math.max(BLOCK_SIZE, count);
    await addNumberBlocks(this.options.db, await this.engine.requestNumberBlocks([series], size));
  }

  /** Who runs commands here: the signed-in clerk, or the local profile without a server. */
  actor(): CommandContext['actor'] {
    if (!this.serverUrl) return this.options.localActor;
    if (!this.user) throw new AppError('api.unauthorized', 'Sign in first');
    return { userId: this.user.id, name: this.user.displayName, roles: this.user.roles };
  }

  /** A command committed locally: deliver it soon. */
  changed(): void {
    this.engine?.kick();
  }

  /** Numbers come from server-issued blocks whenever a server is configured. */
  get usesBlocks(): boolean {
    return this.serverUrl !== null;
  }

  async status(): Promise<Status> {
    if (!this.engine) {
      const pending = await this.options.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return {
        serverConfigured: false,
        state: 'not-configured',
        online: false,
        pendingCommands: Number(pending.n),
        rejectedCommands: 0,
        lastSyncAt: null,
        lastError: null,
        downloading: false,
        cursor: null,
      };
    }
    return view(await this.engine.currentStatus(), this.engine.state);
  }

  async syncNow(): Promise<Status> {
    await this.mustEngine().roundNow();
    return this.status();
  }

  private mustEngine(): SyncEngine {
    if (!this.engine) throw new AppError('sync.not-configured', 'No server is configured');
    return this.engine;
  }

  settings(): Settings {
    return { serverUrl: this.serverUrl, clientId: this.options.clientId };
  }

  async setServer(url: string | null): Promise<Settings> {
    // The session is kept: the same server under another address (a proxy, a new name) accepts
    // it; another server refuses its refresh token and sync pauses as signed out, work kept.
    await this.options.db
      .insertInto('sync_state')
      .values({ key: SERVER_URL_KEY, value: url ?? '' })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: url ?? '' }))
      .execute();
    await this.configure(url);
    return this.settings();
  }

  session(): SessionView {
    if (!this.serverUrl) return { mode: 'local', user: null, offline: false };
    return this.user
      ? { mode: 'signed-in', user: this.user, offline: this.offline }
      : { mode: 'signed-out', user: null, offline: false };
  }

  /**
   * Online first; when the server cannot be reached, against the salted slow hash this desktop
   * stored at the user's last online sign-in.
   */
  async signIn(username: string, password: string): Promise<SessionView> {
    const engine = this.mustEngine();
    const transport = new HttpTransport(this.serverUrl!);
    let session: Session;
    try {
      session = await transport.post<Session>('/auth/login', {
        username,
        password,
        clientId: this.options.clientId,
        deviceSecret: await deviceSecret(this.options.db),
      });
    } catch (err) {
      if (!(err instanceof Unreachable)) throw err;
      return this.signInOffline(engine, username, password);
    }
    await engine.adoptSession(session);
    await this.remember(session.user, password);
    this.user = session.user;
    this.offline = false;
    if (this.options.background !== false) engine.start();
    engine.kick();
    return this.session();
  }

  private async signInOffline(engine: SyncEngine, username: string, password: string): Promise<SessionView> {
    const cached = await this.options.db
      .selectFrom('credentials')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    if (!cached) throw new AppError('auth.offline-unknown-user', 'This user has never signed in here online');
    if (!(await verifyPassword(password, cached.hash)))
      throw new AppError('auth.invalid-credentials', 'Wrong user name or password');
    const user: SessionUser = {
      id: cached.user_id,
      username: cached.username,
      displayName: cached.display_name,
      roles: JSON.parse(cached.roles_json) as string[],
      scopes: JSON.parse(cached.scopes_json) as SessionUser['scopes'],
    };
    const stored = await engine.sessionUser();
    // Never deliver one clerk's work under another's session: sign in online when reachable.
    if (stored?.id !== user.id) {
      await engine.signOut();
      this.pendingLogin = { username, password };
    }
    this.user = user;
    this.offline = true;
    if (this.options.background !== false) engine.start();
    return this.session();
  }

  private async remember(user: SessionUser, password: string): Promise<void> {
    const hash = await hashPassword(password);
    const row = {
      username: user.username,
      user_id: user.id,
      display_name: user.displayName,
      roles_json: JSON.stringify(user.roles),
      scopes_json: JSON.stringify(user.scopes),
      salt: hash.split('$')[4] ?? '',
      hash,
      verified_at: this.now(),
    };
    await this.options.db
      .insertInto('credentials')
      .values(row)
      .onConflict((oc) => oc.column('username').doUpdateSet(row))
      .execute();
  }

  async signOut(): Promise<SessionView> {
    await this.engine?.signOut();
    this.user = null;
    this.offline = false;
    this.pendingLogin = null;
    return this.session();
  }

  async issues(status: 'open' | 'resolved' | 'all'): Promise<{ rows: Issue[] }> {
    let q = this.options.db.selectFrom('sync_issues').selectAll().orderBy('seq', 'desc').limit(500);
    if (status === 'open') q = q.where('resolution', 'is', null);
    if (status === 'resolved') q = q.where('resolution', 'is not', null);
    return { rows: (await q.execute()).map(toIssue) };
  }

  /** The clerk's decision on an issue, recorded with who and when. */
  async resolveIssue(input: {
    mutationId: string;
    action: 'resend' | 'accept-server' | 'discard';
    args?: unknown;
  }): Promise<Issue> {
    const db = this.options.db;
    const row = await db
      .selectFrom('sync_issues')
      .selectAll()
      .where('mutation_id', '=', input.mutationId)
      .executeTakeFirst();
    if (!row) throw new AppError('sync.issue-not-found', 'No such sync issue', { mutationId: input.mutationId });
    if (row.resolution !== null) throw new AppError('sync.issue-closed', 'This issue is already resolved');
    const actor = this.actor();
    let resentAs: string | null = null;
    if (input.action === 'resend') {
      const def = findCommand(row.command);
      if (!def) throw new AppError('command.unknown', `Unknown command ${row.command}`);
      const args = input.args === undefined ? (JSON.parse(row.args_json) as unknown) : input.args;
      const outcome = await runCommand(db, def, args, { actor, now: this.now(), origin: 'desktop' }, { outbox: true });
      if (!outcome.result.ok)
        throw new AppError(outcome.result.error.code, outcome.result.error.message, outcome.result.error.details);
      resentAs = outcome.outbox?.mutationId ?? null;
      this.changed();
    }
    const resolution =
      input.action === 'resend' ? 'resent' : input.action === 'accept-server' ? 'accepted-server' : 'discarded';
    await db
      .updateTable('sync_issues')
      .set({ resolution, resolved_at: this.now(), resolved_by: actor.name, resent_as: resentAs })
      .where('mutation_id', '=', input.mutationId)
      .execute();
    const updated = await db
      .selectFrom('sync_issues')
      .selectAll()
      .where('mutation_id', '=', input.mutationId)
      .executeTakeFirstOrThrow();
    return toIssue(updated);
  }

  async close(): Promise<void> {
    await this.engine?.stop();
  }
}

function view(s: SyncStatus, state: SyncStatus['state']): Status {
  return {
    serverConfigured: true,
    state,
    online: state === 'online' || state === 'syncing',
    pendingCommands: s.pending,
    rejectedCommands: s.issues,
    lastSyncAt: s.lastSyncAt,
    lastError: s.lastError ? { code: s.lastError.code, message: s.lastError.message } : null,
    downloading: s.downloading,
    cursor: s.cursor,
  };
}

function toIssue(r: Selectable<SyncIssuesTable>): Issue {
  const actor = r.actor_json ? (JSON.parse(r.actor_json) as { name?: string }) : {};
  return {
    mutationId: r.mutation_id,
    seq: r.seq,
    command: r.command,
    commandVersion: r.command_version,
    args: JSON.parse(r.args_json) as unknown,
    actor: actor.name ?? '',
    status: r.status === 'failed' ? 'failed' : 'rejected',
    error: JSON.parse(r.error_json) as Issue['error'],
    createdAt: r.created_at,
    reportedAt: r.reported_at,
    resolution: r.resolution as Issue['resolution'],
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resentAs: r.resent_as,
  };
}
