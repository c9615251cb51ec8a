/**
 * A desktop as a separate, real Node process, for tests that kill it with SIGKILL (`kill -9`)
 * at a chosen moment: between a command's local commit and its upload, while an upload is on
 * the wire, or in the middle of a first sync. It opens (or creates) the desktop's SQLite file in
 * `dir` exactly as `openTestDesktop` does, optionally signs in, runs commands one by one as the
 * app host does (effect and outbox row in one transaction), then does what `then` says.
 *
 *   npx tsx sync/testing/desktop-process.ts '<DesktopScript as JSON>'
 *
 * It reports on stdout, one JSON object per line: `{"event":"ready","pid":…,"clientId":…}`, then
 * `{"event":"committed","n":…,"seq":…}` after each command's commit, `{"event":"done"}` when
 * `then` finished (or `{"event":"error","message":…}`), and stays alive until killed when
 * `stay` is set. Tests kill the pid it reports (the process that holds the file), not the npx
 * wrapper, and then reopen the same `dir` with `openTestDesktop(url, { dir })`.
 */
import { openTestDesktop, PASSWORD } from './harness.ts';

export interface DesktopScript {
  url: string;
  dir: string;
  signIn?: { username: string; password?: string };
  /** Sync once before the commands (a new desktop has no master data yet). */
  syncFirst?: boolean;
  /** Each command `count` times; the text `{i}` anywhere in `input` becomes the 0-based index. */
  commands?: { name: string; input: unknown; count?: number }[];
  /** Milliseconds to wait between commands (so a test can kill in the middle of the run). */
  pauseMs?: number;
  then?: 'push' | 'pull' | 'sync' | 'nothing';
  pageRows?: number;
  batchSize?: number;
  /** Stay alive after `then` until killed. */
  stay?: boolean;
}

const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(): Promise<void> {
  const script = JSON.parse(process.argv[2] ?? '{}') as DesktopScript;
  const desktop = await openTestDesktop(script.url, {
    dir: script.dir,
    engine: {
      ...(script.pageRows ? { pageRows: script.pageRows } : {}),
      ...(script.batchSize ? { batchSize: script.batchSize } : {}),
    },
  });
  say({ event: 'ready', pid: process.pid, clientId: desktop.clientId });
  if (script.signIn) await desktop.signIn(script.signIn.username, script.signIn.password ?? PASSWORD);
  if (script.syncFirst) await desktop.engine.syncOnce();

  let n = 0;
  for (const c of script.commands ?? []) {
    const template = JSON.stringify(c.input);
    for (let i = 0; i < (c.count ?? 1); i++) {
      const input = JSON.parse(template.replaceAll('{i}', String(i))) as unknown;
      const result = await desktop.run(c.name, input);
      if (!result.ok) throw new Error(`${c.name} #${i} refused locally: ${JSON.stringify(result.error)}`);
      n += 1;
      const meta = await desktop.db.selectFrom('client_meta').select('last_seq').executeTakeFirstOrThrow();
      say({ event: 'committed', n, seq: meta.last_seq });
      if (script.pauseMs) await new Promise((r) => setTimeout(r, script.pauseMs));
    }
  }

  if (script.then === 'push') await desktop.engine.pushAll();
  else if (script.then === 'pull') await desktop.engine.pullAll();
  else if (script.then === 'sync') await desktop.engine.syncOnce();
  say({ event: 'done' });

  if (script.stay) {
    // Until the test kills this process.
    setInterval(() => undefined, 60_000);
    return;
  }
  await desktop.close({ keepFiles: true });
}

main().catch((err: unknown) => {
  say({ event: 'error', message: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
});
