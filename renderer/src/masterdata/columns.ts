import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import type { TFunction } from 'i18next';
import { formatMinor, type Currency } from '../../../core/money.ts';

export interface BaseRecord {
  id: string;
  version: number;
  updatedAt: string;
  active: boolean;
}

type Key<R> = Extract<keyof R, string>;

/** ag-grid's deep field-path type does not relate to `keyof`; every caller passes a top-level key. */
const fieldOf = <R>(key: string): ColDef<R>['field'] => key as unknown as ColDef<R>['field'];

export function formatDateTime(iso: string | null, lang: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

export const textCol = <R>(t: TFunction, field: Key<R>, label: string, extra: ColDef<R> = {}): ColDef<R> => ({
  colId: field,
  field: fieldOf<R>(field),
  headerName: t(label),
  ...extra,
});

export const enumCol = <R>(
  t: TFunction,
  field: Key<R>,
  label: string,
  optionPrefix: string,
  extra: ColDef<R> = {},
): ColDef<R> => ({
  colId: field,
  field: fieldOf<R>(field),
  headerName: t(label),
  valueFormatter: (p: ValueFormatterParams<R>) => (typeof p.value === 'string' ? t(`${optionPrefix}.${p.value}`) : ''),
  filterValueGetter: (p) => {
    const v: unknown = p.data ? (p.data as Record<string, unknown>)[field] : undefined;
    return typeof v === 'string' ? t(`${optionPrefix}.${v}`) : '';
  },
  ...extra,
});

export const boolCol = <R>(t: TFunction, field: Key<R>, label: string): ColDef<R> => ({
  colId: field,
  field: fieldOf<R>(field),
  headerName: t(label),
  width: 110,
  cellDataType: false,
  valueFormatter: (p: ValueFormatterParams<R>) => (p.value === true ? t('common.yes') : t('common.no')),
  filterValueGetter: (p) =>
    (p.data as Record<string, unknown> | undefined)?.[field] === true ? t('common.yes') : t('common.no'),
  cellClass: (p) => (p.value === true ? 'cell-yes' : 'cell-no'),
});

/** "1234567.50" → "1,234,567.50": grouping on the exact decimal string, no float maths. */
export function groupDigits(decimal: string): string {
  const [whole = '', frac] = decimal.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

export const moneyCol = <R extends { currency: Currency }>(t: TFunction, field: Key<R>, label: string): ColDef<R> => ({
  colId: field,
  field: fieldOf<R>(field),
  headerName: t(label),
  type: 'rightAligned',
  width: 160,
  cellDataType: false,
  valueFormatter: (p: ValueFormatterParams<R>) =>
    typeof p.value === 'number' && p.data ? groupDigits(formatMinor(p.value, p.data.currency)) : '',
  filterValueGetter: (p) => {
    const v: unknown = p.data ? (p.data as Record<string, unknown>)[field] : undefined;
    return typeof v === 'number' && p.data ? formatMinor(v, p.data.currency) : '';
  },
});

export const updatedCol = <R extends BaseRecord>(t: TFunction, lang: string): ColDef<R> => ({
  colId: 'updatedAt',
  field: fieldOf<R>('updatedAt'),
  headerName: t('fields.updatedAt'),
  width: 170,
  cellDataType: false,
  valueFormatter: (p: ValueFormatterParams<R>) => (typeof p.value === 'string' ? formatDateTime(p.value, lang) : ''),
  filterValueGetter: (p) => (p.data ? formatDateTime(p.data.updatedAt, lang) : ''),
  sort: undefined,
});
