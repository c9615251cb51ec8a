import type { TFunction } from 'i18next';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { groupDigits } from '../masterdata/columns.ts';

/**
 * An error's details as interpolation params: numbers grouped ("1,200"), strings as they are;
 * nested values (the field issue list) are left out.
 */
export function detailParams(details: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!details) return out;
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = groupDigits(String(value));
    else if (typeof value === 'string') out[key] = value;
  }
  return out;
}

const UNFILLED = /\{\{[^}]*\}\}/;
const UNFILLED_ALL = /\{\{[^}]*\}\}/g;

/**
 * The translated text of an error: by code only, never the (English, technical) message. The
 * numbers in `details` fill the message (`{{requested}}`…); when an error arrives without them,
 * the `<code>-brief` text (no placeholders) is used instead of showing raw braces.
 */
export function errorText(
  t: TFunction,
  error: Pick<AppErrorData, 'code'> & Partial<Pick<AppErrorData, 'details'>>,
): string {
  const fallback = t('errors.system.unexpected');
  const text = t(`errors.${error.code}`, { ...detailParams(error.details), defaultValue: fallback });
  if (!UNFILLED.test(text)) return text;
  return t(`errors.${error.code}-brief`, { defaultValue: text.replace(UNFILLED_ALL, '…') });
}

/** The translated text of one field issue (`validation.<code>`, with its params). */
export function issueText(t: TFunction, issue: FieldIssue): string {
  return t(`validation.${issue.code}`, { ...issue.params, defaultValue: t('validation.invalid') });
}
