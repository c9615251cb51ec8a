#!/usr/bin/env node
// Decides whether the Electron shell can launch on this machine, quickly and without hanging.
// `npm start` (scripts/start.mjs) uses it to choose between Electron and the web shell.
//
//   node scripts/electron-probe.mjs        prints one line; exit 0 if Electron can launch, 1 if not
//   node scripts/electron-probe.mjs --json prints the probe result as JSON
//
// How the `electron` package (42+) finds its binary (node_modules/electron/index.js, install.js):
// there is no postinstall; `path.txt` names the executable inside `dist/` once it has been
// downloaded by `install.js` (the `install-electron` bin, documented as `npx install-electron
// --no`), which @electron/get fetches from GitHub (or ELECTRON_MIRROR) into a cache.
// ELECTRON_OVERRIDE_DIST_PATH points at a local Electron dist folder instead. We never
// `require('electron')` here: its index.js downloads synchronously, with no time limit.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** How long the binary download may take before we give up (env OMS_ELECTRON_INSTALL_TIMEOUT_MS). */
export const INSTALL_TIMEOUT_MS = 20_000;
const VERSION_TIMEOUT_MS = 10_000;

/**
 * @typedef {{ ok: true, binary: string } | { ok: false, reason: string }} ProbeResult
 * @typedef {{ code: number | null, signal: string | null, stdout: string, stderr: string, timedOut: boolean, error: Error | null }} RunResult
 */

/** Same table as node_modules/electron/install.js getPlatformPath(). */
function platformExecutable(platform) {
  switch (platform) {
    case 'mas':
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'freebsd':
    case 'openbsd':
    case 'linux':
      return 'electron';
    case 'win32':
      return 'electron.exe';
    default:
      return null;
  }
}

/**
 * Runs a program with a hard time limit, collecting its output; never throws, never hangs.
 * @param {string} file
 * @param {string[]} args
 * @param {{ env: NodeJS.ProcessEnv, timeoutMs: number, cwd?: string }} options
 * @returns {Promise<RunResult>}
 */
function run(file, args, { env, timeoutMs, cwd }) {
  return new Promise((resolveRun) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    /** @type {import('node:child_process').ChildProcess} */
    let child;
    const finish = (/** @type {Partial<RunResult>} */ r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveRun({ code: null, signal: null, stdout, stderr, timedOut, error: null, ...r });
    };
    try {
      child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      resolveRun({
        code: null,
        signal: null,
        stdout,
        stderr,
        timedOut,
        error: err instanceof Error ? err : new Error(String(err)),
      });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      finish({});
    }, timeoutMs);
    child.stdout?.on('data', (d) => (stdout += String(d)));
    child.stderr?.on('data', (d) => (stderr += String(d)));
    child.on('error', (error) => finish({ error }));
    child.on('close', (code, signal) => finish({ code, signal }));
  });
}

/** The most telling line of an error output, without a stack or an "XError:" prefix. */
export function firstErrorLine(text) {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !l.startsWith('Downloading'));
  const telling =
    lines.find((l) => /error|fail|cannot|not found|denied|refused|ENOTFOUND|EAI_AGAIN/i.test(l)) ?? lines[0];
  if (telling === undefined) return 'no output';
  const clean = telling.replace(/^(\w*Error|Error \[[A-Z_]+\]):\s*/, '').replace(/^\[\d+:[^\]]*\]\s*/, '');
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

/**
 * Locates the Electron binary the way node_modules/electron/index.js does, without downloading.
 * @param {string} pkgDir
 * @param {NodeJS.ProcessEnv} env
 * @param {NodeJS.Platform} platform
 * @returns {string | null}
 */
export function electronBinaryPath(pkgDir, env, platform) {
  const pathFile = join(pkgDir, 'path.txt');
  const fromFile = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const executable =
    fromFile || platformExecutable(env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || platform);
  if (executable === null) return null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return join(env.ELECTRON_OVERRIDE_DIST_PATH, fromFile || 'electron');
  return join(pkgDir, 'dist', executable);
}

/**
 * Can the Electron shell launch here? Checks, in order: the electron package; its binary
 * (downloading it with the package's own installer within `installTimeoutMs` if missing); a
 * display on Linux; and that the binary actually starts (`--version`). `reason` is one line.
 * @param {{ env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, installTimeoutMs?: number, download?: boolean }} [options]
 * @returns {Promise<ProbeResult>}
 */
export async function probeElectron(options = {}) {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const installTimeoutMs =
    options.installTimeoutMs ?? (Number(env.OMS_ELECTRON_INSTALL_TIMEOUT_MS) || INSTALL_TIMEOUT_MS);
  const download = options.download ?? !env.ELECTRON_SKIP_BINARY_DOWNLOAD;

  let pkgDir;
  try {
    pkgDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (run "npm ci")' };
  }

  let binary = electronBinaryPath(pkgDir, env, platform);
  if (binary === null) return { ok: false, reason: `Electron has no build for this platform (${platform})` };

  if (!existsSync(binary)) {
    if (env.ELECTRON_OVERRIDE_DIST_PATH)
      return { ok: false, reason: `no Electron binary at ELECTRON_OVERRIDE_DIST_PATH (${binary} is missing)` };
    if (!download) return { ok: false, reason: "Electron's binary is not installed (download disabled)" };
    const install = await run(process.execPath, [join(pkgDir, 'install.js')], {
      env,
      timeoutMs: installTimeoutMs,
      cwd: pkgDir,
    });
    if (install.timedOut)
      return {
        ok: false,
        reason: `Electron's binary could not be downloaded within ${Math.round(installTimeoutMs / 1000)} s`,
      };
    if (install.error || install.code !== 0)
      return {
        ok: false,
        reason: `Electron's binary could not be downloaded (${firstErrorLine(install.error ? install.error.message : install.stderr || install.stdout)})`,
      };
    binary = electronBinaryPath(pkgDir, env, platform);
    if (binary === null || !existsSync(binary))
      return { ok: false, reason: "Electron's installer finished but the binary is still missing" };
  }

  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return { ok: false, reason: 'no display available (DISPLAY is not set)' };

  const versionEnv = { ...env };
  delete versionEnv.ELECTRON_RUN_AS_NODE;
  const version = await run(binary, ['--version'], { env: versionEnv, timeoutMs: VERSION_TIMEOUT_MS });
  if (version.timedOut)
    return { ok: false, reason: `Electron's binary did not answer --version within ${VERSION_TIMEOUT_MS / 1000} s` };
  if (version.error || version.code !== 0)
    return {
      ok: false,
      reason: `Electron's binary cannot start (${firstErrorLine(version.error ? version.error.message : version.stderr || version.stdout)})`,
    };
  return { ok: true, binary };
}

/**
 * Starts the Electron shell: `<binary> . <args>` from the repository root (package.json's
 * `main` is dist-electron/main.cjs). Output is inherited; the caller owns the child process.
 * @param {string} binary
 * @param {readonly string[]} [args] e.g. ['--data-dir=/x', '--server-url=https://...']
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {import('node:child_process').ChildProcess}
 */
export function launchElectron(binary, args = [], env = process.env) {
  const childEnv = { ...env };
  // With this set, the binary would run as plain Node instead of as Electron.
  delete childEnv.ELECTRON_RUN_AS_NODE;
  return spawn(binary, ['.', ...args], { cwd: root, env: childEnv, stdio: 'inherit', windowsHide: false });
}

const isCli = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isCli) {
  const started = Date.now();
  const result = await probeElectron();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ...result, ms: Date.now() - started }));
  else if (result.ok) console.log(`Electron can launch: ${result.binary}`);
  else console.log(`Electron cannot launch: ${result.reason}`);
  process.exit(result.ok ? 0 : 1);
}
