import { execFile } from 'node:child_process';
import { AppError } from '../../core/errors.ts';
import type { SpoolerJobState } from './targets.ts';

/** English, unpaged output whatever the desktop's locale: we parse it. */
const ENV = { ...process.env, LC_ALL: 'C', LANG: 'C' };

interface Run {
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], input: Uint8Array | null, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: ENV, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
    // lp reads the job from stdin: no temporary file to leave behind.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? undefined);
  });
}

type ExecError = NodeJS.ErrnoException & { stderr?: string; killed?: boolean; signal?: string | null };

/** Maps a failed lp/lpstat run to a coded error; `permanent` says whether a retry could help. */
function spoolerError(err: ExecError, queue: string, what: string, timeoutMs: number): AppError {
  const target = `cups:${queue}`;
  if (err.code === 'ENOENT')
    return new AppError('print.spooler-failed', `${what}: the CUPS client tools (lp, lpstat) are not installed`, {
      target,
      errno: 'ENOENT',
      permanent: true,
    });
  if (err.killed || err.signal === 'SIGTERM')
    return new AppError('print.timeout', `${what}: the spooler did not answer within ${timeoutMs} ms`, {
      target,
      permanent: false,
      timeoutMs,
    });
  const message = (err.stderr ?? '').trim() || err.message;
  if (/does not exist|Invalid destination|Unknown destination|not found/i.test(message))
    return new AppError('print.spooler-failed', `${what}: no spooler queue ${queue} (${message})`, {
      target,
      reason: 'no-queue',
      spooler: message,
      permanent: true,
    });
  if (/scheduler is not running|unable to connect|connection refused|No such file/i.test(message))
    return new AppError('print.unreachable', `${what}: the print spooler is not running (${message})`, {
      target,
      reason: 'no-scheduler',
      spooler: message,
      permanent: false,
    });
  // "not accepting jobs" and the like: an administrator can fix the queue, so keep retrying.
  return new AppError('print.spooler-failed', `${what}: ${message}`, { target, spooler: message, permanent: false });
}

/** `lp -d QUEUE -o raw` with the job on stdin; returns the spooler's request id ("DOCK1-12"). */
export async function sendToCups(
  queue: string,
  bytes: Uint8Array,
  options: { timeoutMs: number; title?: string },
): Promise<string> {
  const args = ['-d', queue, '-o', 'raw'];
  if (options.title) args.push('-t', options.title.slice(0, 120));
  let out: Run;
  try {
    out = await run('lp', args, bytes, options.timeoutMs);
  } catch (err) {
    throw spoolerError(err as ExecError, queue, 'lp', options.timeoutMs);
  }
  const id = /request id is (\S+)/.exec(out.stdout)?.[1];
  if (!id)
    throw new AppError('print.spooler-failed', `lp did not report a job id: ${out.stdout.trim()}`, {
      target: `cups:${queue}`,
      spooler: out.stdout.trim(),
      permanent: false,
    });
  return id;
}

export interface CupsJob {
  state: SpoolerJobState;
  /** What the spooler says about the job ("The printer may not exist or is unavailable…"). */
  message: string;
  /** CUPS job-state-reasons ("job-printing", "job-canceled-by-user"…). */
  reasons: string[];
}

/**
 * Parses `lpstat -l -W all -o QUEUE`: one header line per job ("DOCK1-12  root  1024  date")
 * followed by tab-indented "Status:" and "Alerts:" (the job-state-reasons) lines.
 */
export function parseLpstatJobs(text: string, completedIds: ReadonlySet<string>): Map<string, CupsJob> {
  const jobs = new Map<string, CupsJob>();
  let current: { id: string; status: string; reasons: string[] } | null = null;
  const flush = () => {
    if (current) jobs.set(current.id, classify(current, completedIds.has(current.id)));
  };
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      flush();
      current = { id: line.split(/\s+/)[0]!, status: '', reasons: [] };
    } else if (current) {
      const m = /^\s+(Status|Alerts):\s*(.*)$/.exec(line);
      if (m?.[1] === 'Status') current.status = m[2]!.trim();
      if (m?.[1] === 'Alerts') current.reasons = m[2]!.trim().split(/\s+/).filter(Boolean);
    }
  }
  flush();
  return jobs;
}

function classify(job: { status: string; reasons: string[] }, completed: boolean): CupsJob {
  const has = (re: RegExp) => job.reasons.some((r) => re.test(r));
  let state: SpoolerJobState;
  if (completed) {
    if (has(/canceled|cancelled/)) state = 'cancelled';
    else if (has(/aborted|completed-with-errors|format-error|unsupported|document-.*-error/)) state = 'failed';
    else state = 'completed';
  } else if (has(/printing|processing|transforming|job-queued-for-marker/)) state = 'processing';
  else state = 'pending';
  return { state, message: job.status, reasons: job.reasons };
}

/** The spooler's view of one job; 'unknown' when CUPS no longer lists it. */
export async function cupsJobState(queue: string, jobId: string, timeoutMs = 10_000): Promise<CupsJob> {
  try {
    const [all, done] = await Promise.all([
      run('lpstat', ['-l', '-W', 'all', '-o', queue], null, timeoutMs),
      run('lpstat', ['-W', 'completed', '-o', queue], null, timeoutMs),
    ]);
    const completed = new Set(
      done.stdout
        .split('\n')
        .filter((l) => /^\S/.test(l))
        .map((l) => l.split(/\s+/)[0]!),
    );
    return parseLpstatJobs(all.stdout, completed).get(jobId) ?? { state: 'unknown', message: '', reasons: [] };
  } catch (err) {
    throw spoolerError(err as ExecError, queue, 'lpstat', timeoutMs);
  }
}

/** The printer's own message ("The printer may not exist or is unavailable at this time."). */
export async function cupsPrinterMessage(queue: string, timeoutMs = 10_000): Promise<string> {
  try {
    const out = await run('lpstat', ['-l', '-p', queue], null, timeoutMs);
    return out.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
  } catch (err) {
    throw spoolerError(err as ExecError, queue, 'lpstat', timeoutMs);
  }
}

/** Best effort: withdraws a job from the spooler (the clerk cancelled it in our queue). */
export async function cancelCupsJob(jobId: string, timeoutMs = 10_000): Promise<void> {
  await run('cancel', [jobId], null, timeoutMs).catch(() => {});
}
