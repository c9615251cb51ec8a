import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * scripts/electron-probe.mjs, run as `npm start` runs it (black box, JSON out). The real probe
 * must fail fast here (no binary, no download); fake binaries stand in for the other outcomes.
 */
const root = resolve(import.meta.dirname, '../..');
const isPosix = process.platform !== 'win32';

interface ProbeOutput {
  ok: boolean;
  reason?: string;
  binary?: string;
  ms: number;
}

function isProbeOutput(value: unknown): value is ProbeOutput {
  if (typeof value !== 'object' || value === null) return false;
  const v: Record<string, unknown> = { ...value };
  return (
    typeof v['ok'] === 'boolean' &&
    typeof v['ms'] === 'number' &&
    (v['ok'] ? typeof v['binary'] === 'string' : typeof v['reason'] === 'string')
  );
}

function probe(env: Record<string, string | undefined>): Promise<{ code: number | null; out: ProbeOutput }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((done, reject) => {
    execFile(
      process.execPath,
      ['scripts/electron-probe.mjs', '--json'],
      { cwd: root, env: childEnv, timeout: 40_000 },
      (err, stdout) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(stdout.trim());
        } catch {
          reject(new Error(`probe printed no JSON: ${stdout} ${String(err)}`));
          return;
        }
        if (!isProbeOutput(parsed)) return reject(new Error(`unexpected probe output: ${stdout}`));
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        done({ code, out: parsed });
      },
    );
  });
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oms-probe-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in Electron dist folder whose `electron` runs the given shell script. */
function fakeDist(name: string, script: string): string {
  const dist = join(dir, name);
  mkdirSync(dist, { recursive: true });
  const binary = join(dist, 'electron');
  writeFileSync(binary, `#!/bin/sh\n${script}\n`);
  chmodSync(binary, 0o755);
  return dist;
}

describe('electron-probe on this machine', () => {
  it('answers ok:false with one clear line, quickly', async () => {
    const started = Date.now();
    const { code, out } = await probe({ ELECTRON_OVERRIDE_DIST_PATH: undefined });
    expect(Date.now() - started).toBeLessThan(30_000);
    if (out.ok) return; // a machine that can run Electron: nothing more to check here
    expect(code).toBe(1);
    expect(out.reason).toMatch(/\S/);
    expect(out.reason).not.toMatch(/\n/);
    expect(out.reason).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe.runIf(isPosix)('electron-probe with stand-in binaries', () => {
  it('ok when the binary starts and a display exists', async () => {
    const dist = fakeDist('good', 'echo v45.4.1');
    const { code, out } = await probe({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: ':99' });
    if (process.platform === 'linux') {
      expect(out).toMatchObject({ ok: true, binary: join(dist, 'electron') });
      expect(code).toBe(0);
    }
  });

  it.runIf(process.platform === 'linux')('needs a display on Linux', async () => {
    const dist = fakeDist('good2', 'echo v45.4.1');
    const { out } = await probe({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
    expect(out).toMatchObject({ ok: false, reason: 'no display available (DISPLAY is not set)' });
    const wayland = await probe({
      ELECTRON_OVERRIDE_DIST_PATH: dist,
      DISPLAY: undefined,
      WAYLAND_DISPLAY: 'wayland-0',
    });
    expect(wayland.out.ok).toBe(true);
  });

  it.runIf(process.platform === 'linux')('reports a binary that cannot start in one line', async () => {
    const dist = fakeDist(
      'broken',
      'echo "electron: error while loading shared libraries: libnss3.so: cannot open shared object file" >&2; exit 127',
    );
    const { out } = await probe({ ELECTRON_OVERRIDE_DIST_PATH: dist, DISPLAY: ':99' });
    expect(out.ok).toBe(false);
    expect(out.reason).toBe(
      "Electron's binary cannot start (electron: error while loading shared libraries: libnss3.so: cannot open shared object file)",
    );
  });

  it('reports a missing override folder', async () => {
    const { out } = await probe({ ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'missing'), DISPLAY: ':99' });
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/^no Electron binary at ELECTRON_OVERRIDE_DIST_PATH/);
  });
});

describe('electron-probe does not hang on a stalled download', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });

  it('gives up after the install time limit', async () => {
    // A mirror that accepts connections and never answers.
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', () => done()));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const started = Date.now();
    const { out } = await probe({
      ELECTRON_OVERRIDE_DIST_PATH: undefined,
      ELECTRON_MIRROR: `http://127.0.0.1:${address.port}/`,
      electron_config_cache: join(dir, 'cache'),
      OMS_ELECTRON_INSTALL_TIMEOUT_MS: '1500',
    });
    const elapsed = Date.now() - started;
    if (out.ok) return; // a binary is already installed here: nothing to download
    expect(out.reason).toBe("Electron's binary could not be downloaded within 2 s");
    expect(elapsed).toBeLessThan(10_000);
  });
});
