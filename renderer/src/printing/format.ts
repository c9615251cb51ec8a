import type { PrinterOut, PrintJobOut } from '../../../core/api/printing.api.ts';

export type JobStatus = PrintJobOut['status'];

export const STATUS_TONE: Record<JobStatus, string> = {
  queued: 'tone-info',
  sending: 'tone-progress',
  sent: 'tone-progress',
  done: 'tone-good',
  failed: 'tone-bad',
  cancelled: 'tone-muted',
};

/** What the clerk may do with a job in each status (the host enforces the same rules). */
export const canRetry = (j: Pick<PrintJobOut, 'status'>): boolean =>
  j.status === 'failed' || j.status === 'queued' || j.status === 'cancelled';
export const canCancel = (j: Pick<PrintJobOut, 'status'>): boolean =>
  j.status === 'queued' || j.status === 'failed' || j.status === 'sending' || j.status === 'sent';
export const canReprint = (j: Pick<PrintJobOut, 'status'>): boolean => j.status === 'done' || j.status === 'sent';

/** Queue filter chips → statuses asked from printJobs.list. */
export const QUEUE_FILTERS = {
  all: undefined,
  active: ['queued', 'sending', 'sent'],
  failed: ['failed'],
  done: ['done', 'cancelled'],
} as const satisfies Record<string, readonly JobStatus[] | undefined>;
export type QueueFilter = keyof typeof QUEUE_FILTERS;

export type TargetKind = 'tcp' | 'cups' | 'pdf' | 'os';

/**
 * Splits a stored target for the form's fields. Anything the form cannot show is returned as
 * a tcp target with the text as host, so the host refuses it with print.bad-target on save.
 */
export function splitTarget(target: string): { kind: TargetKind; value: string } {
  if (target.startsWith('tcp://')) return { kind: 'tcp', value: target.slice('tcp://'.length) };
  if (target.startsWith('cups:')) return { kind: 'cups', value: target.slice('cups:'.length) };
  if (target.startsWith('pdf:')) return { kind: 'pdf', value: target.slice('pdf:'.length) };
  if (target.startsWith('os:')) return { kind: 'os', value: target.slice('os:'.length) };
  return { kind: 'tcp', value: target };
}

/** `10.0.0.5` → `tcp://10.0.0.5:9100` (the raw port when none is given). */
export function joinTarget(kind: TargetKind, value: string): string {
  // A whole target pasted into the field (as the list shows it) is taken as it is meant.
  const pasted = kind === 'tcp' ? /^tcp:\/\//i : new RegExp(`^${kind}:`, 'i');
  const v = value.trim().replace(pasted, '');
  if (kind === 'tcp') {
    const hasPort = /^\[.*\]:\d+$/.test(v) || (!v.startsWith('[') && /:\d+$/.test(v));
    return `tcp://${hasPort || v === '' ? v : `${v}:9100`}`;
  }
  return `${kind}:${v}`;
}

/**
 * Why a job on an OS printer (`os:`) failed, for `printing.reasons.<reason>`. Only two things
 * stop one there: no desktop app (web shell) and a name the OS does not know.
 */
export function osFailureReason(
  j: Pick<PrintJobOut, 'target' | 'lastErrorCode'>,
): 'os-printing-needs-desktop-app' | 'no-such-os-printer' | null {
  if (!j.target.startsWith('os:')) return null;
  if (j.lastErrorCode === 'print.bad-target') return 'os-printing-needs-desktop-app';
  if (j.lastErrorCode === 'print.unreachable') return 'no-such-os-printer';
  return null;
}

/** Default printer first, then by name (the host sorts the same way). */
export function defaultPrinter(printers: readonly PrinterOut[]): PrinterOut | undefined {
  return printers.find((p) => p.isDefault && p.active) ?? printers.find((p) => p.active);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Seconds until the next retry, for "retrying in 8 s"; null when not waiting. */
export function secondsUntil(at: string | null, now = Date.now()): number | null {
  if (!at) return null;
  const ms = Date.parse(at) - now;
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/** Downloads bytes the host rendered (labels.render) as a file. */
export function downloadBase64(base64: string, fileName: string, mime: string): void {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
