#!/usr/bin/env node
// npm start [-- --data-dir DIR --port N --server-url URL --standalone --web --no-demo]
// Builds what is missing, starts the central server on its embedded PGlite (demo data, one user
// per role) unless --server-url names one or --standalone asks for none, then launches Electron
// where its binary can run; otherwise the web shell on 127.0.0.1, saying why in one line.
// Plain JS so it runs before anything is compiled.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'server-url': { type: 'string' },
    web: { type: 'boolean' },
    standalone: { type: 'boolean' },
    'no-demo': { type: 'boolean' },
  },
});

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Rebuild the renderer only when its sources (or core, which it bundles) changed.
const builtIndex = join(root, 'dist/renderer/index.html');
const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
if (builtAt < Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'core')))) {
  console.log('Building the user interface…');
  run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
}

const SERVER_PORT = Number(process.env.OMS_SERVER_PORT ?? 5290);
const children = [];
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const c of children) c.kill(signal);
  });

async function ready(url) {
  try {
    const res = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** The embedded central server (PGlite in .data/server), reused if one already answers. */
async function startEmbeddedServer() {
  const url = `http://127.0.0.1:${SERVER_PORT}`;
  if (await ready(url)) return url;
  console.log('Starting the central server (PGlite, first start seeds the demo data)…');
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'sync/server/main.ts'), '--demo', '--quiet', `--port=${SERVER_PORT}`],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  children.push(server);
  server.on('exit', (code) => {
    if (code) console.error(`The central server stopped (exit ${code}).`);
  });
  for (let i = 0; i < 600; i++) {
    if (await ready(url)) return url;
    if (server.exitCode !== null) process.exit(server.exitCode || 1);
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error('The central server did not become ready within 5 minutes.');
  process.exit(1);
}

if (!values['server-url'] && !values.standalone) values['server-url'] = await startEmbeddedServer();

const shellArgs = [];
for (const flag of ['data-dir', 'port', 'server-url']) if (values[flag]) shellArgs.push(`--${flag}=${values[flag]}`);
if (values['no-demo']) shellArgs.push('--no-demo');

let reason = 'started with --web';
if (!values.web) {
  const { probeElectron, launchElectron } = await import('./electron-probe.mjs');
  const probe = await probeElectron();
  if (probe.ok) {
    run(process.execPath, [join(root, 'scripts/build-electron.mjs')]);
    const child = launchElectron(probe.binary, shellArgs, process.env);
    children.push(child);
    child.on('exit', (code) => {
      for (const c of children) c.kill('SIGTERM');
      process.exit(code ?? 0);
    });
    await new Promise(() => {});
  }
  reason = `Electron cannot start here (${probe.reason})`;
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'main/web/cli.ts'), `--reason=${reason}`, ...shellArgs],
  { cwd: root, stdio: 'inherit' },
);
children.push(child);
child.on('exit', (code) => {
  for (const c of children) if (c !== child) c.kill('SIGTERM');
  process.exit(code ?? 0);
});
