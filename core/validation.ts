import type { z } from 'zod';
import { AppError, type FieldIssue } from './errors.ts';

/** A schema's own error text (`{ error: 'gtin-invalid' }`) is a translation key, never prose. */
const TRANSLATION_KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Turns zod issues into translatable field issues. The codes are stable keys
 * (`validation.<code>` in the UI's dictionaries); zod's own English text is never shown.
 */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const params: Record<string, string | number> = {};
    let code: string;
    switch (issue.code) {
      case 'too_small':
        if (issue.origin === 'string') code = Number(issue.minimum) <= 1 ? 'required' : 'too-short';
        else code = 'too-small';
        params['min'] = Number(issue.minimum);
        break;
      case 'too_big':
        code = issue.origin === 'string' ? 'too-long' : 'too-big';
        params['max'] = Number(issue.maximum);
        break;
      case 'invalid_type':
        code = issue.input === undefined || issue.input === null ? 'required' : 'invalid-type';
        break;
      case 'invalid_format':
        code = 'invalid-format';
        params['format'] = String(issue.format);
        break;
      case 'invalid_value':
        code = 'invalid-option';
        break;
      case 'custom': {
        const custom = issue.params as { code?: unknown } | undefined;
        code = typeof custom?.code === 'string' ? custom.code : 'invalid';
        break;
      }
      default:
        code = issue.code.replaceAll('_', '-');
    }
    if (issue.code !== 'custom' && TRANSLATION_KEY.test(issue.message)) code = issue.message;
    return { path, code, params };
  });
}

/** Validates at a boundary: returns the parsed value or throws `validation.invalid-input`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  // reportInput lets an issue tell "missing" from "wrong type"; the value itself is not passed on.
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  const fields = toFieldIssues(parsed.error);
  const first = fields[0];
  throw new AppError(
    'validation.invalid-input',
    first ? `Invalid input at "${first.path}": ${first.code}` : 'Invalid input',
    { fields },
  );
}

/** The non-throwing form for forms: the same rules and codes as `parseInput`. */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; fields: FieldIssue[] } {
  const parsed = schema.safeParse(input, { reportInput: true });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, fields: toFieldIssues(parsed.error) };
}
