#!/usr/bin/env node
// Bundles the Electron main process and the sandboxed preload into dist-electron/ (CommonJS).
// The renderer is built separately (`npm run build:renderer` → dist/renderer).
//
//   node scripts/build-electron.mjs [--outdir=<dir>] [--only=main|preload] [--no-sourcemap]
//
// main.cjs keeps native and server-side packages external (they load from node_modules, and
// better-sqlite3 is rebuilt for Electron's ABI by electron-builder). preload.cjs must be ONE
// self-contained file: a sandboxed preload can only `require('electron')`.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages main.cjs loads at run time instead of bundling. */
export const MAIN_EXTERNALS = [
  'electron',
  'better-sqlite3',
  '@electric-sql/pglite',
  'pg',
  'pg-native',
  'fastify',
  // Native (.node) renderer of label previews and thermal-printer text bitmaps.
  '@resvg/resvg-js',
];

/** Electron 45's bundled Node is 22 or newer; esbuild only needs a floor. */
const NODE_TARGET = 'node22';

/**
 * @param {{ outdir?: string, sourcemap?: boolean, only?: 'main' | 'preload' }} [options]
 * @returns {Promise<{ main: string | null, preload: string | null }>} the written files
 */
export async function buildElectron(options = {}) {
  const outdir = resolve(root, options.outdir ?? 'dist-electron');
  const sourcemap = options.sourcemap ?? true;
  await mkdir(outdir, { recursive: true });
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: /** @type {const} */ ('node'),
    format: /** @type {const} */ ('cjs'),
    target: NODE_TARGET,
    sourcemap,
    logLevel: /** @type {const} */ ('warning'),
    legalComments: /** @type {const} */ ('none'),
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const main = join(outdir, 'main.cjs');
  const preload = join(outdir, 'preload.cjs');
  const wantMain = options.only !== 'preload';
  const wantPreload = options.only !== 'main';
  await Promise.all([
    wantMain &&
      build({ ...common, entryPoints: [join(root, 'main/electron/main.ts')], outfile: main, external: MAIN_EXTERNALS }),
    // Minified: the contract pulls in zod (and its locales), parsed on every window load.
    wantPreload &&
      build({
        ...common,
        entryPoints: [join(root, 'main/preload/preload.ts')],
        outfile: preload,
        external: ['electron'],
        minify: true,
      }),
  ]);
  return { main: wantMain ? main : null, preload: wantPreload ? preload : null };
}

const isCli = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isCli) {
  const args = process.argv.slice(2);
  const outdirArg = args.find((a) => a.startsWith('--outdir='));
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (onlyArg !== undefined && onlyArg !== 'main' && onlyArg !== 'preload') {
    console.error(`build-electron: --only must be "main" or "preload", not "${onlyArg}"`);
    process.exit(2);
  }
  const started = Date.now();
  try {
    const out = await buildElectron({
      ...(outdirArg ? { outdir: outdirArg.slice('--outdir='.length) } : {}),
      sourcemap: !args.includes('--no-sourcemap'),
      ...(onlyArg ? { only: onlyArg } : {}),
    });
    const written = [out.main, out.preload].filter((f) => f !== null).join(' and ');
    console.log(`build-electron: wrote ${written} in ${Date.now() - started} ms`);
  } catch (err) {
    console.error(`build-electron: failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
