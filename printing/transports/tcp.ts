import { connect, type Socket } from 'node:net';
import { AppError } from '../../core/errors.ts';

/** How long to wait for the printer to close its side after we finished writing. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Raw TCP (JetDirect / port 9100): connect, write everything, half-close, wait for the printer
 * to close. A dead printer refuses at once (ECONNREFUSED); a silent one hits the timeout.
 */
export function sendTcp(host: string, port: number, bytes: Uint8Array, options: { timeoutMs: number }): Promise<void> {
  const target = `tcp://${host}:${port}`;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const socket: Socket = connect({ host, port });
    const finish = (err?: AppError) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const deadline = setTimeout(
      () =>
        finish(
          new AppError('print.timeout', `Printer ${target} did not take the job within ${options.timeoutMs} ms`, {
            target,
            permanent: false,
            timeoutMs: options.timeoutMs,
          }),
        ),
      options.timeoutMs,
    );
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const errno = e.code ?? 'UNKNOWN';
      finish(
        new AppError('print.unreachable', `Printer ${target} unreachable: ${errno}`, {
          target,
          errno,
          // A network printer that refuses or cannot be found now may be back in a minute.
          permanent: false,
        }),
      );
    });
    socket.on('connect', () => {
      socket.end(bytes, () => {
        // Everything is in the kernel's hands; a printer that never closes its side is fine.
        graceTimer = setTimeout(() => finish(), CLOSE_GRACE_MS);
      });
    });
    socket.on('data', () => {
      // Some printers answer (status bytes); reading keeps the socket flowing so 'close' fires.
    });
    socket.on('close', (hadError) => {
      if (!hadError && socket.writableFinished) finish();
      else if (!hadError)
        finish(
          new AppError('print.unreachable', `Printer ${target} closed the connection before taking the job`, {
            target,
            errno: 'ECONNRESET',
            permanent: false,
          }),
        );
    });
  });
}
