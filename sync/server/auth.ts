import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hashPassword, verifyPassword } from '../passwords.ts';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { sql } from 'kysely';
import { accessOf, type Access, type ScopeGrant } from '../../core/auth/permissions.ts';
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../db/connect.ts';
import type { SessionUser } from '../protocol/index.ts';

export { hashPassword, verifyPassword } from '../passwords.ts';

/** The signing key, made once and kept in the database so every server process agrees. */
export async function signingKey(db: Database): Promise<Uint8Array> {
  await sql`insert into server_secrets (name, value) values ('jwt', ${randomBytes(32).toString('base64')})
    on conflict (name) do nothing`.execute(db);
  await sql`insert into server_secrets (name, value) values ('server-id', ${randomUUID()})
    on conflict (name) do nothing`.execute(db);
  const { rows } = await sql<{ value: string }>`select value from server_secrets where name = 'jwt'`.execute(db);
  return Buffer.from(rows[0]!.value, 'base64');
}

export async function serverId(db: Database): Promise<string> {
  const { rows } = await sql<{ value: string }>`select value from server_secrets where name = 'server-id'`.execute(db);
  return rows[0]!.value;
}

export interface AuthSettings {
  key: Uint8Array;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** How long a rotated refresh token is still accepted (its successor's answer may be lost). */
  refreshReuseGraceSeconds: number;
}

export interface Principal {
  user: SessionUser;
  access: Access;
}

/** The user as the database says now (roles and scopes are never taken from the token). */
export async function loadPrincipal(db: Database, userId: string): Promise<Principal> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new AppError('auth.invalid-token', 'Unknown user');
  if (user.active !== 1) throw new AppError('auth.user-inactive', 'User is deactivated');
  const roles = (await db.selectFrom('user_roles').select('role_code').where('user_id', '=', userId).execute()).map(
    (r) => r.role_code,
  );
  const scopes: ScopeGrant[] = (
    await db.selectFrom('user_scopes').select(['scope_kind', 'scope_id']).where('user_id', '=', userId).execute()
  ).map((s) => ({ kind: s.scope_kind, id: s.scope_id }));
  return {
    user: { id: user.id, username: user.username, displayName: user.display_name, roles, scopes },
    access: accessOf(user.id, roles, scopes),
  };
}

export async function issueAccessToken(
  settings: AuthSettings,
  userId: string,
  clientId: string | null,
): Promise<string> {
  return new SignJWT(clientId ? { cid: clientId } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${settings.accessTtlSeconds}s`)
    .setAudience('dockside-sync')
    .sign(settings.key);
}

export interface TokenClaims {
  userId: string;
  /** The desktop the session was opened on (device-bound), if any. */
  clientId: string | null;
}

export async function verifyAccessToken(settings: AuthSettings, header: string | undefined): Promise<TokenClaims> {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  if (!token) throw new AppError('auth.invalid-token', 'Missing bearer token');
  try {
    const { payload } = await jwtVerify(token, settings.key, { audience: 'dockside-sync', algorithms: ['HS256'] });
    if (!payload.sub) throw new AppError('auth.invalid-token', 'Token names no user');
    return { userId: payload.sub, clientId: typeof payload['cid'] === 'string' ? payload['cid'] : null };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw new AppError('auth.token-expired', 'Access token expired');
    throw new AppError('auth.invalid-token', 'Access token is not valid');
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function issueRefreshToken(
  db: Database,
  settings: AuthSettings,
  userId: string,
  clientId: string | null,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + settings.refreshTtlSeconds * 1000).toISOString();
  await sql`insert into refresh_tokens (id, user_id, token_hash, client_id, expires_at)
    values (${randomUUID()}, ${userId}, ${sha256(token)}, ${clientId}, ${expires})`.execute(db);
  return token;
}

/** Rotation: the presented token is revoked and its user returned; one reused later is refused. */
export async function consumeRefreshToken(
  db: Database,
  token: string,
  graceSeconds = 60,
): Promise<{ userId: string; clientId: string | null }> {
  // A token rotated less than a minute ago is still accepted: the answer carrying its successor
  // may have been lost on the way (a network cut), and the desktop can only present the old one.
  const { rows } = await sql<{ user_id: string; client_id: string | null }>`
    update refresh_tokens set revoked_at = coalesce(revoked_at, now())
    where token_hash = ${sha256(token)} and expires_at > now()
      and (revoked_at is null or revoked_at > now() - make_interval(secs => ${graceSeconds}))
    returning user_id, client_id`.execute(db);
  const row = rows[0];
  if (!row) throw new AppError('auth.invalid-token', 'Refresh token is unknown, used or expired');
  return { userId: row.user_id, clientId: row.client_id };
}

/**
 * Binds a client id to the device that first signed in with it: later sign-ins under that id
 * must present the same device secret, so another device cannot take over its sequence.
 */
export async function bindClient(db: Database, clientId: string, userId: string, deviceSecret: string): Promise<void> {
  const hash = sha256(deviceSecret);
  const { rows } = await sql<{ secret_hash: string | null }>`
    select secret_hash from sync_clients where client_id = ${clientId}`.execute(db);
  const existing = rows[0];
  if (existing?.secret_hash && existing.secret_hash !== hash)
    throw new AppError('auth.forbidden', 'This desktop id belongs to another device');
  if (!existing)
    await sql`insert into sync_clients (client_id, user_id, secret_hash) values (${clientId}, ${userId}, ${hash})
      on conflict (client_id) do nothing`.execute(db);
  else if (!existing.secret_hash)
    await sql`update sync_clients set secret_hash = ${hash} where client_id = ${clientId}`.execute(db);
}

/** A session may act for a client only if bound to it, or for a client no device has bound. */
export async function assertClientAccess(db: Database, claims: TokenClaims, clientId: string): Promise<void> {
  if (claims.clientId !== null) {
    if (claims.clientId !== clientId) throw new AppError('auth.forbidden', 'This session belongs to another desktop');
    return;
  }
  const { rows } = await sql<{ secret_hash: string | null }>`
    select secret_hash from sync_clients where client_id = ${clientId}`.execute(db);
  if (rows[0]?.secret_hash) throw new AppError('auth.forbidden', 'This desktop id belongs to another device');
}

export async function revokeRefreshToken(db: Database, token: string): Promise<void> {
  await sql`update refresh_tokens set revoked_at = now() where token_hash = ${sha256(token)} and revoked_at is null`.execute(
    db,
  );
}

export async function checkCredentials(db: Database, username: string, password: string): Promise<string> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'active'])
    .where('username', '=', username)
    .executeTakeFirst();
  // Hash anyway when the user is unknown, so timing does not tell which user names exist.
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
  if (!user || !ok) throw new AppError('auth.invalid-credentials', 'Wrong user name or password');
  if (user.active !== 1) throw new AppError('auth.user-inactive', 'User is deactivated');
  return user.id;
}

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomUUID()));
