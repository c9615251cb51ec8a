import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { desktopMigrations, serverMigrations, sharedMigrations } from '../migrate.ts';
import shipped from './shipped.json' with { type: 'json' };

/*
 * A migration that has reached a user's database must never change: that database will not run
 * it again, so an edit would make old and new installations differ silently.
 */
const here = new URL('./', import.meta.url);
/** Line endings are normalised so a Windows checkout (autocrlf) hashes the same. */
const sha256 = (path: string) =>
  createHash('sha256')
    .update(readFileSync(new URL(path, here), 'utf8').replaceAll('\r\n', '\n'))
    .digest('hex');

const LISTS = { shared: sharedMigrations, desktop: desktopMigrations, server: serverMigrations } as const;
const entries = Object.entries(shipped as Record<string, string>);

describe('shipped migrations', () => {
  it.each(entries)('%s is unchanged', (path, hash) => {
    expect(sha256(path), `${path} was shipped and must not be edited: revert it and add a new migration instead`).toBe(
      hash,
    );
  });

  it.each(Object.keys(LISTS) as (keyof typeof LISTS)[])('every %s migration file is listed and recorded', (folder) => {
    const files = readdirSync(new URL(`${folder}/`, here))
      .filter((f) => /^\d{4}_.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .sort();
    expect(
      LISTS[folder].map((m) => `${m.name}.ts`),
      `db/migrate.ts must list every file in db/migrations/${folder}, in order`,
    ).toEqual(files);
    expect(
      entries.filter(([p]) => p.startsWith(`${folder}/`)).map(([p]) => p.slice(folder.length + 1)),
      'append each new migration and its SHA-256 to db/migrations/shipped.json',
    ).toEqual(files);
  });
});
