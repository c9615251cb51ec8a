import { randomUUID } from 'node:crypto';
import type { ScopeGrant } from '../../core/auth/permissions.ts';
import type { Role } from '../../core/masterdata/schemas.ts';
import type { Database } from '../../db/connect.ts';
import { hashPassword } from './auth.ts';

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: readonly Role[];
  scopes?: readonly ScopeGrant[];
}

/** Creates or replaces a user with its roles and scopes (administration and the demo data). */
export async function saveUser(db: Database, user: NewUser, now = new Date().toISOString()): Promise<string> {
  const existing = await db.selectFrom('users').select('id').where('username', '=', user.username).executeTakeFirst();
  const id = existing?.id ?? randomUUID();
  const hash = await hashPassword(user.password);
  if (existing)
    await db
      .updateTable('users')
      .set((eb) => ({
        display_name: user.displayName,
        password_hash: hash,
        active: 1,
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
  else
    await db
      .insertInto('users')
      .values({
        id,
        username: user.username,
        display_name: user.displayName,
        password_hash: hash,
        active: 1,
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  await db.deleteFrom('user_roles').where('user_id', '=', id).execute();
  if (user.roles.length > 0)
    await db
      .insertInto('user_roles')
      .values(user.roles.map((r) => ({ user_id: id, role_code: r })))
      .execute();
  await setScopes(db, id, user.scopes ?? []);
  return id;
}

export async function setScopes(db: Database, userId: string, scopes: readonly ScopeGrant[]): Promise<void> {
  await db.deleteFrom('user_scopes').where('user_id', '=', userId).execute();
  if (scopes.length > 0)
    await db
      .insertInto('user_scopes')
      .values(scopes.map((s) => ({ user_id: userId, scope_kind: s.kind, scope_id: s.id })))
      .execute();
}
