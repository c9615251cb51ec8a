import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  countViolations,
  emptyCounts,
  planArb,
  runSimulation,
  startSimServer,
  stopSimServer,
  type Plan,
} from '../sync/testing/simulation.ts';
import { machineFacts } from './stats.ts';

/**
 * S5: the randomized sync fault simulation (sync/testing/simulation.ts) run ≥ 1,000 times on
 * PostgreSQL: several desktops, random commands, partitions, lost requests and responses,
 * abandoned requests, restarts and kills, duplicate deliveries, clock skew, feed compaction and
 * concurrent server writes; each run ends healed and judged. Reports the counts (lost,
 * duplicated, oversold, diverged, phantom, wedged) summed over every run, and every failing run
 * with the seed that regenerates its plan.
 *
 * Runs are split over worker processes (one server schema each, emptied between runs). Plan i is
 * `fc.sample(planArb(), { seed: SEED + i, numRuns: 1 })`, so any run can be replayed alone:
 *   npx tsx bench/syncFaults.ts --runs=1 --seed=<its seed> --trace
 * Options (also through bench/run.ts): --runs=N (default 1000; --quick 40), --seed=N,
 * --workers=N (default: cores + 1, at most 4), --budget-min=M (stop starting runs after
 * M minutes; default 9.5 — a shortfall below the run target is reported, never hidden).
 */

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

export const DEFAULT_SEED = 20261125;
const TARGET_RUNS = 1000;

interface RunLine {
  run: number;
  seed: number;
  ms: number;
  commands: number;
  accepted: number;
  applied: number;
  rejected: number;
  failed: number;
  signIns: number;
  rounds: number;
  faults: Record<string, number>;
  counts: ReturnType<typeof emptyCounts>;
  unexpected: string[];
  violations: Array<{ kind: string; detail: string }>;
  byCommand: Record<string, Record<string, number>>;
}

export const planOf = (seed: number): Plan => fc.sample(planArb(), { seed, numRuns: 1 })[0]!;

/** One worker: its share of the runs on a server of its own; one JSON line per run on stdout. */
async function worker(first: number, step: number, runs: number, seed: number, deadline: number, trace: boolean) {
  const sim = await startSimServer('postgres');
  try {
    for (let i = first; i < runs && Date.now() < deadline; i += step) {
      const plan = planOf(seed + i);
      const r = await runSimulation(sim, plan, trace ? { trace: (l) => console.error(l) } : {});
      const line: RunLine = {
        run: i,
        seed: seed + i,
        ms: r.ms,
        commands: r.commands,
        accepted: r.accepted,
        applied: r.applied,
        rejected: r.rejected,
        failed: r.failed,
        signIns: r.signIns,
        rounds: r.rounds,
        faults: r.faults,
        counts: countViolations(r.violations),
        unexpected: r.unexpected.slice(0, 5),
        violations: r.violations.slice(0, 5).map((v) => ({ kind: v.kind, detail: v.detail.slice(0, 600) })),
        byCommand: r.byCommand,
      };
      console.log(`RUN ${JSON.stringify(line)}`);
    }
  } finally {
    await stopSimServer(sim);
  }
}

function spawnWorker(args: string[], onLine: (line: RunLine) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (text.startsWith('RUN ')) onLine(JSON.parse(text.slice(4)) as RunLine);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sync-faults worker exited with ${code}`))));
  });
}

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

export interface SyncFaultsResult {
  runs: number;
  target: number;
  commands: number;
  accepted: number;
  applied: number;
  rejected: number;
  failed: number;
  lost: number;
  duplicated: number;
  oversold: number;
  diverged: number;
  phantom: number;
  wedged: number;
  unexpected: number;
  signIns: number;
  ms: number;
}

export async function runSyncFaults(quick: boolean): Promise<string> {
  const runs = Number(arg('runs') ?? (quick ? 40 : TARGET_RUNS));
  const seed = Number(arg('seed') ?? DEFAULT_SEED);
  // A run waits on PostgreSQL and HTTP about half the time: one worker more than cores keeps them busy.
  const workers = Math.max(1, Number(arg('workers') ?? Math.min(4, cpus().length + 1)));
  const budgetMin = Number(arg('budget-min') ?? 9.5);
  const trace = process.argv.includes('--trace');
  const started = performance.now();
  const deadline = Date.now() + budgetMin * 60_000;

  const lines: RunLine[] = [];
  let printed = 0;
  const onLine = (line: RunLine) => {
    lines.push(line);
    const bad = Object.values(line.counts).some((n) => n > 0) || line.unexpected.length > 0;
    if (bad) console.log(`sync-faults run ${line.run} (seed ${line.seed}) failed`, JSON.stringify(line.counts));
    if (lines.length - printed >= 100 || bad) {
      printed = lines.length;
      console.log(`sync-faults ${lines.length}/${runs} runs, ${Math.round((performance.now() - started) / 1000)} s`);
    }
  };
  const share = (w: number) => [
    `--first=${w}`,
    `--step=${workers}`,
    `--runs=${runs}`,
    `--seed=${seed}`,
    `--deadline=${deadline}`,
    ...(trace ? ['--trace'] : []),
  ];
  await Promise.all(Array.from({ length: workers }, (_, w) => spawnWorker(share(w), onLine)));
  const ms = Math.round(performance.now() - started);

  const counts = emptyCounts();
  const faults: Record<string, number> = {};
  const byCommand: Record<string, Record<string, number>> = {};
  let commands = 0;
  let accepted = 0;
  let applied = 0;
  let rejected = 0;
  let failed = 0;
  let signIns = 0;
  let unexpected = 0;
  for (const l of lines) {
    add(counts, l.counts);
    add(faults, l.faults);
    for (const [c, m] of Object.entries(l.byCommand)) add((byCommand[c] ??= {}), m);
    commands += l.commands;
    accepted += l.accepted;
    applied += l.applied;
    rejected += l.rejected;
    failed += l.failed;
    signIns += l.signIns;
    unexpected += l.unexpected.length;
  }
  const sorted = lines.map((l) => l.ms).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
  const summary: SyncFaultsResult = {
    runs: lines.length,
    target: runs,
    commands,
    accepted,
    applied,
    rejected,
    failed,
    ...counts,
    unexpected,
    signIns,
    ms,
  };
  const failures = lines
    .filter((l) => Object.values(l.counts).some((n) => n > 0) || l.unexpected.length > 0)
    .sort((a, b) => a.run - b.run);
  const results = {
    suite: 'sync-faults',
    id: 'S5',
    when: new Date().toISOString(),
    node: process.version,
    machine: machineFacts(),
    quick,
    backend: 'postgres',
    seed,
    workers,
    ...summary,
    time: { totalS: Math.round(ms / 100) / 10, runMsP50: pct(50), runMsP95: pct(95), runMsMax: pct(100) },
    targetRuns:
      lines.length >= TARGET_RUNS
        ? `≥ ${TARGET_RUNS} runs: met`
        : `≥ ${TARGET_RUNS} runs: NOT met (${lines.length} runs${quick ? ', --quick' : ''})`,
    verdict:
      (counts.lost + counts.duplicated + counts.oversold === 0
        ? 'zero lost, zero duplicated, zero oversold'
        : `FAILED: ${counts.lost} lost, ${counts.duplicated} duplicated, ${counts.oversold} oversold`) +
      `; ${counts.diverged} diverged, ${counts.wedged} wedged, ${counts.phantom} phantom, ${unexpected} unexpected errors` +
      ` in ${failures.length} of ${lines.length} runs`,
    faults,
    byCommand,
    failingRuns: failures.length,
    failures: failures.slice(0, 20).map((l) => ({
      run: l.run,
      seed: l.seed,
      counts: l.counts,
      unexpected: l.unexpected,
      violations: l.violations,
      replay: `npx tsx bench/syncFaults.ts --runs=1 --seed=${l.seed} --trace`,
    })),
  };
  console.log(JSON.stringify(results, null, 2));
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const out = join(import.meta.dirname, 'results', `sync-faults-${Date.now()}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`results: ${out}`);
  return out;
}

// Run directly: `npx tsx bench/syncFaults.ts [--runs=N] [--seed=N] [--workers=N] [--trace]`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--worker')) {
    await worker(
      Number(arg('first')),
      Number(arg('step')),
      Number(arg('runs')),
      Number(arg('seed')),
      Number(arg('deadline')),
      process.argv.includes('--trace'),
    );
  } else {
    await runSyncFaults(process.argv.includes('--quick'));
  }
}
