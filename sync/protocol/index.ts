import { z } from 'zod';
import { sessionUser } from '../../core/api/sync.api.ts';

/**
 * The wire format between desktop and server, versioned. The server accepts this protocol
 * version and the one before; anything else answers `sync.update-required` (HTTP 426) and the
 * desktop pauses pushing, keeps every pending command and says so.
 */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS: readonly number[] = [PROTOCOL_VERSION - 1, PROTOCOL_VERSION].filter((v) => v > 0);

const clientId = z.uuid();

export const mutationSchema = z.object({
  seq: z.number().int().positive(),
  mutationId: z.uuid(),
  command: z.string().min(1).max(100),
  version: z.number().int().positive(),
  args: z.unknown(),
  /** The desktop clock when the clerk acted: shown, never used for ordering. */
  clientTime: z.string().max(40),
});
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z.object({
  protocol: z.number().int(),
  clientId,
  appVersion: z.string().max(40).optional(),
  mutations: z.array(mutationSchema).max(1000),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

const errorSchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });
export type WireError = z.infer<typeof errorSchema>;

export const mutationResultSchema = z.object({
  seq: z.number().int(),
  mutationId: z.string(),
  /** applied: ran; rejected: a business refusal; failed: an unexpected error (dead-lettered). */
  status: z.enum(['applied', 'rejected', 'failed']),
  data: z.unknown().optional(),
  error: errorSchema.optional(),
  /** Feed position holding the command's effect; null when it changed nothing. */
  feedSeq: z.number().int().nullable(),
});
export type MutationResult = z.infer<typeof mutationResultSchema>;

export const pushResponseSchema = z.object({
  results: z.array(mutationResultSchema),
  /** Why the batch stopped before its end (a gap, or a command version the server lacks). */
  stopped: z
    .object({
      seq: z.number().int(),
      /** seq-reused: the server ran another command under this seq (a desktop restored from an old file). */
      reason: z.enum(['gap', 'update-required', 'seq-reused']),
      expectedSeq: z.number().int(),
    })
    .optional(),
  /** The last seq the server has processed for this client. */
  lastSeq: z.number().int(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** Where an initial sync or resync stands: table index and last key done, at a feed position. */
export const snapshotCursorSchema = z.object({
  at: z.number().int().nonnegative(),
  table: z.number().int().nonnegative(),
  after: z.array(z.unknown()).nullable(),
});
export type SnapshotCursor = z.infer<typeof snapshotCursorSchema>;

export const pullRequestSchema = z.object({
  protocol: z.number().int(),
  clientId,
  /** Null on a new desktop: the server starts a snapshot. */
  cursor: z.number().int().nonnegative().nullable(),
  snapshot: snapshotCursorSchema.nullable().optional(),
  serverId: z.string().max(64).nullable().optional(),
  limit: z.number().int().min(1).max(20000).optional(),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

export const changeSchema = z.object({
  table: z.string(),
  pk: z.array(z.unknown()),
  row: z.record(z.string(), z.unknown()).nullable(),
});
export type Change = z.infer<typeof changeSchema>;

export const pullResponseSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('changes'),
    serverId: z.string(),
    changes: z.array(changeSchema),
    /** This desktop's own mutations whose effects are in these changes (settled by this page). */
    mine: z.array(z.number().int()),
    /** The feed position these changes bring the desktop to. */
    cursor: z.number().int(),
    more: z.boolean(),
  }),
  z.object({
    kind: z.literal('snapshot'),
    serverId: z.string(),
    /** True on the first page: the desktop empties its replica (keeping its outbox) first. */
    reset: z.boolean(),
    changes: z.array(changeSchema),
    /** Where to resume; null when the snapshot is complete and `cursor` takes over. */
    next: snapshotCursorSchema.nullable(),
    cursor: z.number().int(),
  }),
  z.object({
    kind: z.literal('resync-required'),
    serverId: z.string(),
    reason: z.enum(['unknown-cursor', 'expired-cursor', 'scope-changed', 'other-server']),
  }),
]);
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
  clientId: clientId.optional(),
  /** A random secret the desktop keeps in its database: binds its client id to this device. */
  deviceSecret: z.string().min(20).max(200).optional(),
});

export const refreshRequestSchema = z.object({ refreshToken: z.string().min(20).max(200) });

/** The clerk as the server describes it (the desktop API shows the same shape). */
export const sessionUserSchema = sessionUser;
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const sessionSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  user: sessionUserSchema,
});
export type Session = z.infer<typeof sessionSchema>;

export const numberBlockRequestSchema = z.object({
  clientId,
  /** Document series (`SO`) or SSCC serials of a GS1 company prefix (`SSCC-0614141`). */
  series: z.array(z.string().regex(/^([A-Z]{1,6}|SSCC-\d{6,12})$/)).max(20),
  size: z.number().int().min(10).max(10000).optional(),
});
export const numberBlockResponseSchema = z.object({
  blocks: z.array(z.object({ series: z.string(), first: z.number().int(), last: z.number().int() })),
});
