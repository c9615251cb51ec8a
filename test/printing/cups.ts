import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * The real CUPS of the machine for tests: started here when it is not running (as root, without
 * systemd: `mkdir -p /run/cups && /usr/sbin/cupsd`), with raw queues pointed at a fake printer.
 * Throws when CUPS is not installed — the printing tests need it (.ci/run installs it).
 */
const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };

function schedulerRunning(): boolean {
  try {
    return /scheduler is running/.test(execFileSync('lpstat', ['-r'], { env, encoding: 'utf8' }));
  } catch {
    return false;
  }
}

export async function ensureCups(): Promise<void> {
  if (schedulerRunning()) return;
  if (!existsSync('/usr/sbin/cupsd'))
    throw new Error('CUPS is not installed: apt-get install cups cups-client cups-bsd');
  mkdirSync('/run/cups', { recursive: true });
  // cupsd forks into the background by itself; the child we start exits at once.
  const child = spawn('/usr/sbin/cupsd', [], { stdio: 'ignore', detached: true });
  child.unref();
  for (let i = 0; i < 100; i++) {
    if (schedulerRunning()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('cupsd did not start within 10 s');
}

export interface CupsQueue {
  name: string;
  remove(): void;
}

/** A raw queue (no driver) sending to `socket://127.0.0.1:<port>`, i.e. a fake printer. */
export async function createRawQueue(port: number, prefix = 'OMS_TEST'): Promise<CupsQueue> {
  await ensureCups();
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
  execFileSync('lpadmin', ['-p', name, '-E', '-v', `socket://127.0.0.1:${port}`], { env, stdio: 'pipe' });
  return {
    name,
    remove: () => {
      try {
        execFileSync('cancel', ['-a', name], { env, stdio: 'pipe' });
      } catch {
        // nothing to cancel
      }
      execFileSync('lpadmin', ['-x', name], { env, stdio: 'pipe' });
    },
  };
}
