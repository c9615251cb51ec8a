import { z } from 'zod';
import { job, query } from './endpoint.ts';

/** The signed-in clerk as the desktop knows it (from the server, or cached for offline sign-in). */
export const sessionUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  scopes: z.array(z.object({ kind: z.enum(['warehouse', 'supplier', 'owner']), id: z.string() })),
});

export const syncState = z.enum(['not-configured', 'offline', 'online', 'syncing', 'signed-out', 'update-required']);

/** What the status bar shows. */
export const syncStatus = z.object({
  serverConfigured: z.boolean(),
  state: syncState,
  online: z.boolean(),
  /** Commands not yet answered by the server. */
  pendingCommands: z.number().int(),
  /** Open sync issues: commands the server refused or could not run, awaiting the clerk. */
  rejectedCommands: z.number().int(),
  lastSyncAt: z.string().nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** An initial sync or resync is downloading. */
  downloading: z.boolean(),
  /** The feed position the replica has reached: it moves when changes from the server arrived. */
  cursor: z.number().int().nullable(),
});

export const session = z.object({
  /** local: no server configured, the local profile works here; signed-in / signed-out with a server. */
  mode: z.enum(['local', 'signed-in', 'signed-out']),
  user: sessionUser.nullable(),
  /** Signed in with the credentials cached at the last online sign-in, the server unreachable. */
  offline: z.boolean(),
});

export const syncIssue = z.object({
  mutationId: z.string(),
  seq: z.number().int(),
  command: z.string(),
  commandVersion: z.number().int(),
  args: z.unknown(),
  actor: z.string(),
  status: z.enum(['rejected', 'failed']),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  createdAt: z.string(),
  reportedAt: z.string(),
  resolution: z.enum(['resent', 'accepted-server', 'discarded']).nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resentAs: z.string().nullable(),
});

export const syncSettings = z.object({
  serverUrl: z.string().nullable(),
  clientId: z.string(),
});

export const syncApi = {
  'sync.status': query(z.object({}).default({}), syncStatus),
  'sync.issues': query(
    z.object({ status: z.enum(['open', 'resolved', 'all']).default('open') }).default({ status: 'open' }),
    z.object({ rows: z.array(syncIssue) }),
  ),
  /**
   * The clerk's decision on a sync issue, audited (who, when): resend it (with edited
   * arguments if given: a new command through the outbox), accept the server's version, or
   * discard it. Nothing leaves the list without one of these.
   */
  'sync.resolveIssue': job(
    z.object({
      mutationId: z.string().min(1),
      action: z.enum(['resend', 'accept-server', 'discard']),
      args: z.unknown().optional(),
    }),
    syncIssue,
  ),
  /** Sync now (the status bar's button); answers the status after the round. */
  'sync.now': job(z.object({}).default({}), syncStatus),
  'sync.settings': query(z.object({}).default({}), syncSettings),
  'sync.setServer': job(z.object({ serverUrl: z.url().max(300).nullable() }), syncSettings),
  'auth.session': query(z.object({}).default({}), session),
  'auth.signIn': job(
    z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) }),
    session,
  ),
  'auth.signOut': job(z.object({}).default({}), session),
} as const;
