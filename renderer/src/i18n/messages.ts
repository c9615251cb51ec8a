import type { TFunction } from 'i18next';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';

/** The translated text of an error: by code only, never the (English, technical) message. */
export function errorText(t: TFunction, error: Pick<AppErrorData, 'code'>): string {
  return t(`errors.${error.code}`, { defaultValue: t('errors.system.unexpected') });
}

/** The translated text of one field issue (`validation.<code>`, with its params). */
export function issueText(t: TFunction, issue: FieldIssue): string {
  return t(`validation.${issue.code}`, { ...issue.params, defaultValue: t('validation.invalid') });
}
