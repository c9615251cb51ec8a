import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { syncIssue } from '../../../core/api/sync.api.ts';
import { isErrorCode, type AppErrorData } from '../../../core/errors.ts';
import { detailParams } from '../i18n/messages.ts';
import { orderErrorText } from '../orders/format.ts';

export type SyncIssue = z.output<typeof syncIssue>;

/** The command's name in the clerk's language ("Ship order", "发货"); the technical name otherwise. */
export function commandName(t: TFunction, command: string): string {
  return t(`sync.commands.${command}`, { defaultValue: command });
}

/**
 * Why the server refused a change, in words: a sync-specific text where the general one would
 * mislead (it speaks of forms and reloads), else the product's translation of the error code,
 * with the figures of its details ("4 available").
 */
export function reasonText(t: TFunction, error: SyncIssue['error']): string {
  const details =
    typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {};
  const special = t(`sync.reasons.${error.code}`, { ...detailParams(details), defaultValue: '' });
  if (special && !/\{\{/.test(special)) return special;
  if (!isErrorCode(error.code)) return t('sync.reasons.unknown', { code: error.code });
  const data: AppErrorData = { code: error.code, message: error.message, details };
  return orderErrorText(t, data);
}

/** Arguments as the editor and the list show them: indented JSON. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2);
}

export type ParsedArgs = { ok: true; value: unknown } | { ok: false; line: number; column: number };

/**
 * The edited arguments, or where the JSON breaks (line and column, 1-based) so the editor can
 * say so before anything is sent.
 */
export function parseArgsText(text: string): ParsedArgs {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    let offset = text.length;
    const pos = /position (\d+)/.exec(message);
    const lc = /line (\d+) column (\d+)/.exec(message);
    if (lc) return { ok: false, line: Number(lc[1]), column: Number(lc[2]) };
    if (pos) offset = Number(pos[1]);
    const before = text.slice(0, offset).split('\n');
    return { ok: false, line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
  }
}

/** The order a command's arguments point at, if any (for the "subject" column). */
export function orderIdOf(args: unknown): string | null {
  if (typeof args !== 'object' || args === null) return null;
  const id = (args as Record<string, unknown>)['orderId'];
  return typeof id === 'string' ? id : null;
}

/** A reference of another kind the arguments carry (a reservation's demand), if any. */
export function demandIdOf(args: unknown): string | null {
  if (typeof args !== 'object' || args === null) return null;
  const demand = (args as Record<string, unknown>)['demand'];
  if (typeof demand !== 'object' || demand === null) return null;
  const id = (demand as Record<string, unknown>)['id'];
  return typeof id === 'string' ? id : null;
}
