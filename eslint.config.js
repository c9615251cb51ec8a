// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

/**
 * Import direction is enforced here, not by reviewers (docs/ARCHITECTURE.md has the table).
 * A zone says: files in `target` may not import from `from`.
 */
const zones = [
  // core is pure: no other layer of ours.
  { target: './core', from: ['./db', './commands', './main', './renderer', './sync', './printing', './test'] },
  // db knows core only.
  { target: './db', from: ['./commands', './main', './renderer', './sync', './printing'] },
  // commands: core + db.
  { target: './commands', from: ['./main', './renderer', './sync', './printing'] },
  // printing: core only (transports included; no UI, no app host).
  { target: './printing', from: ['./db', './commands', './main', './renderer', './sync'] },
  // renderer: core only; it reaches data through the API contract.
  { target: './renderer', from: ['./db', './commands', './main', './sync', './printing'] },
  // sync: core, db, commands; never the UI or the Electron host.
  { target: './sync', from: ['./main', './renderer'] },
];

/** Node built-ins and I/O libraries that pure code may not touch. */
const ioModules = [
  'electron',
  'kysely',
  'better-sqlite3',
  'pg',
  '@electric-sql/pglite',
  'fastify',
  '@fastify/*',
  'node:*',
  'fs',
  'path',
  'net',
  'http',
  'child_process',
  'os',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'dist-electron',
      'release',
      'test-results',
      'playwright-report',
      '.data',
      'docs/screenshots',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only main/electron and main/preload may import electron.' }] },
      ],
    },
  },
  {
    files: ['main/electron/**', 'main/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioModules, message: 'core/ is pure: no I/O, no electron, no database.' }] },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ioModules, message: 'The renderer reaches data only through window.oms / the API client.' },
          ],
        },
      ],
    },
  },
);
