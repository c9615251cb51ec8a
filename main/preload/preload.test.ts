import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, ipcChannelOf } from '../../core/api/contract.ts';
import { buildApi } from './api.ts';

/**
 * Security test of the real preload artifact, without the Electron binary: the production
 * build script bundles it, then the bundle runs in a fresh V8 context whose `require` knows
 * only a recording fake of 'electron' — the edge of the world — like a sandboxed preload.
 */
const root = resolve(import.meta.dirname, '../..');

interface Recorder {
  exposed: Array<{ key: string; value: unknown }>;
  invoked: Array<{ channel: unknown; args: unknown[] }>;
  required: string[];
}

function fakeElectron(rec: Recorder): unknown {
  return {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => rec.exposed.push({ key, value }),
    },
    ipcRenderer: {
      invoke: (channel: unknown, ...args: unknown[]) => {
        rec.invoked.push({ channel, args });
        return Promise.resolve({ ok: true, data: { echoed: channel } });
      },
      send: () => {
        throw new Error('the preload must not use ipcRenderer.send');
      },
    },
  };
}

let outdir = '';
let bundle = '';

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'oms-preload-'));
  execFileSync(
    process.execPath,
    ['scripts/build-electron.mjs', '--only=preload', `--outdir=${outdir}`, '--no-sourcemap'],
    {
      cwd: root,
      stdio: 'pipe',
    },
  );
  bundle = readFileSync(join(outdir, 'preload.cjs'), 'utf8');
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function runBundle(): Recorder {
  const rec: Recorder = { exposed: [], invoked: [], required: [] };
  const electron = fakeElectron(rec);
  const module = { exports: {} };
  const sandboxRequire = (name: string): unknown => {
    rec.required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${name}"`);
  };
  runInNewContext(
    bundle,
    { require: sandboxRequire, module, exports: module.exports, console },
    { filename: 'preload.cjs' },
  );
  return rec;
}

function isCallable(value: unknown): value is (input: unknown) => Promise<unknown> {
  return typeof value === 'function';
}

describe('bundled preload (dist-electron/preload.cjs)', () => {
  it('requires nothing but electron (no fs, child_process, net, ...)', () => {
    const required = new Set([...bundle.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
    for (const forbidden of ['fs', 'child_process', 'net', 'http', 'os', 'path', 'worker_threads'])
      expect(bundle).not.toMatch(new RegExp(`require\\(\\s*["'\`](node:)?${forbidden}["'\`]\\s*\\)`));
    expect(bundle).not.toMatch(/\bimport\(/);
  });

  it('exposes exactly one function per channel as window.oms, and nothing else', () => {
    const rec = runBundle();
    expect(rec.required).toEqual(['electron']);
    expect(rec.exposed).toHaveLength(1);
    const first = rec.exposed[0];
    expect(first?.key).toBe('oms');
    const api = first?.value;
    expect(typeof api).toBe('object');
    if (typeof api !== 'object' || api === null) return;
    expect(Object.keys(api).sort()).toEqual([...CHANNELS].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    // Never the raw IPC object or a generic sender.
    expect(Object.values(api)).not.toContain(undefined);
    for (const name of ['send', 'invoke', 'on', 'ipcRenderer', 'sendSync'])
      expect(Object.hasOwn(api, name)).toBe(false);
  });

  it('forwards a call to ipcRenderer.invoke on oms:<channel> with its single input', async () => {
    const rec = runBundle();
    const api = rec.exposed[0]?.value;
    if (typeof api !== 'object' || api === null) throw new Error('no api exposed');
    for (const channel of CHANNELS) {
      const fn: unknown = Object.getOwnPropertyDescriptor(api, channel)?.value;
      if (!isCallable(fn)) throw new Error(`${channel} is not a function`);
      const input = { probe: channel };
      await expect(fn(input)).resolves.toEqual({ ok: true, data: { echoed: ipcChannelOf(channel) } });
      expect(rec.invoked.at(-1)).toEqual({ channel: `oms:${channel}`, args: [input] });
    }
    expect(rec.invoked).toHaveLength(CHANNELS.length);
  });
});

describe('buildApi', () => {
  it('builds a frozen object keyed by CHANNELS that forwards on ipcChannelOf(channel)', async () => {
    const calls: Array<[string, unknown]> = [];
    const api = buildApi((ch, input) => {
      calls.push([ch, input]);
      return Promise.resolve({ ok: true, data: null });
    });
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([...CHANNELS].sort());
    await api['system.info']({});
    expect(calls).toEqual([['oms:system.info', {}]]);
  });
});
