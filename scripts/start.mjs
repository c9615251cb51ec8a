#!/usr/bin/env node
// npm start [-- --data-dir DIR --port N --server-url URL --web --no-demo]
// Builds what is missing, then launches Electron where its binary can run; otherwise the web
// shell on 127.0.0.1, saying why in one line. Plain JS so it runs before anything is compiled.
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
    child.on('exit', (code) => process.exit(code ?? 0));
    await new Promise(() => {});
  }
  reason = `Electron cannot start here (${probe.reason})`;
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'main/web/cli.ts'), `--reason=${reason}`, ...shellArgs],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
