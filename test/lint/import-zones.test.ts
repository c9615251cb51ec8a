import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import-direction table of ARCHITECTURE.md is enforced by eslint.config.js. This proves the
 * rules fire: each case lints a made-up file at a real path in the tree with the project's own
 * config, and a rule that silently stopped matching (a renamed folder, a plugin upgrade) fails here.
 */
const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function ruleIdsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const FORBIDDEN: Array<[file: string, code: string, rule: string]> = [
  [
    'core/zone-probe.ts',
    "import { openSqlite } from '../db/connect.ts';\nvoid openSqlite;\n",
    'import-x/no-restricted-paths',
  ],
  ['core/zone-probe.ts', "import { readFileSync } from 'node:fs';\nvoid readFileSync;\n", 'no-restricted-imports'],
  ['core/zone-probe.ts', "import { Kysely } from 'kysely';\nvoid Kysely;\n", 'no-restricted-imports'],
  [
    'db/zone-probe.ts',
    "import { runCommand } from '../commands/runner.ts';\nvoid runCommand;\n",
    'import-x/no-restricted-paths',
  ],
  [
    'commands/zone-probe.ts',
    "import { createAppHost } from '../main/app/host.ts';\nvoid createAppHost;\n",
    'import-x/no-restricted-paths',
  ],
  [
    'renderer/src/zone-probe.ts',
    "import { listMaster } from '../../db/masterdata.queries.ts';\nvoid listMaster;\n",
    'import-x/no-restricted-paths',
  ],
  [
    'renderer/src/zone-probe.ts',
    "import { ipcRenderer } from 'electron';\nvoid ipcRenderer;\n",
    'no-restricted-imports',
  ],
  [
    'renderer/src/zone-probe.ts',
    "import { readFileSync } from 'node:fs';\nvoid readFileSync;\n",
    'no-restricted-imports',
  ],
  ['main/app/zone-probe.ts', "import { app } from 'electron';\nvoid app;\n", 'no-restricted-imports'],
  ['main/web/zone-probe.ts', "import { app } from 'electron';\nvoid app;\n", 'no-restricted-imports'],
  [
    'printing/zone-probe.ts',
    "import { openSqlite } from '../db/connect.ts';\nvoid openSqlite;\n",
    'import-x/no-restricted-paths',
  ],
  [
    'sync/zone-probe.ts',
    "import { startWebShell } from '../main/web/server.ts';\nvoid startWebShell;\n",
    'import-x/no-restricted-paths',
  ],
];

const ALLOWED: Array<[file: string, code: string]> = [
  ['db/zone-probe.ts', "import { AppError } from '../core/errors.ts';\nvoid AppError;\n"],
  ['commands/zone-probe.ts', "import { openSqlite } from '../db/connect.ts';\nvoid openSqlite;\n"],
  ['renderer/src/zone-probe.ts', "import { contract } from '../../core/api/contract.ts';\nvoid contract;\n"],
  ['main/electron/zone-probe.ts', "import { app } from 'electron';\nvoid app;\n"],
  ['main/preload/zone-probe.ts', "import { contextBridge } from 'electron';\nvoid contextBridge;\n"],
];

describe('import zones (eslint.config.js)', () => {
  it.each(FORBIDDEN)('%s: refuses %j', async (file, code, rule) => {
    expect(await ruleIdsFor(file, code)).toContain(rule);
  });

  it.each(ALLOWED)('%s: allows %j', async (file, code) => {
    const ids = await ruleIdsFor(file, code);
    expect(ids.filter((id) => id === 'import-x/no-restricted-paths' || id === 'no-restricted-imports')).toEqual([]);
  });
});
