import { AppError, type ErrorCode } from '../errors.ts';

/**
 * Pure decisions for master-data commands. The command loads what it needs (does the code
 * exist? what is stored?), these functions decide, the command saves the returned record.
 */

export interface RecordMeta {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function newRecord<F extends object>(id: string, fields: F, now: string): F & RecordMeta {
  return { ...fields, id, version: 1, createdAt: now, updatedAt: now };
}

export function updatedRecord<F extends object, R extends F & RecordMeta>(
  current: R | undefined,
  id: string,
  fields: F,
  expectedVersion: number,
  now: string,
): R {
  if (!current) throw new AppError('masterdata.not-found', `No record with id ${id}`, { id });
  if (current.version !== expectedVersion)
    throw new AppError(
      'masterdata.version-conflict',
      `Record ${id} was changed by someone else (version ${current.version}, edited ${expectedVersion})`,
      { id, currentVersion: current.version, expectedVersion },
    );
  return { ...current, ...fields, version: current.version + 1, updatedAt: now };
}

/** A conflict found while loading becomes a coded error that the form can show under the field. */
export function assertNoConflict(
  conflictingId: string | undefined,
  selfId: string,
  code: Extract<ErrorCode, 'masterdata.duplicate-code' | 'masterdata.duplicate-gtin'>,
  path: string,
  value: string,
): void {
  if (conflictingId !== undefined && conflictingId !== selfId)
    throw new AppError(code, `"${value}" is already used by another record`, {
      fields: [{ path, code: code === 'masterdata.duplicate-code' ? 'duplicate-code' : 'duplicate-gtin' }],
      value,
    });
}

/** Every GTIN an item carries (its own and its units'), which must all be distinct. */
export function gtinsOf(item: {
  gtin: string | null;
  uoms: { gtin: string | null }[];
}): { path: string; gtin: string }[] {
  const out: { path: string; gtin: string }[] = [];
  if (item.gtin) out.push({ path: 'gtin', gtin: item.gtin });
  item.uoms.forEach((u, i) => {
    if (u.gtin) out.push({ path: `uoms.${i}.gtin`, gtin: u.gtin });
  });
  const seen = new Map<string, string>();
  for (const { path, gtin } of out) {
    if (seen.has(gtin))
      throw new AppError('masterdata.duplicate-gtin', `GTIN ${gtin} appears twice on this item`, {
        fields: [{ path, code: 'duplicate-gtin' }],
        value: gtin,
      });
    seen.set(gtin, path);
  }
  return out;
}
