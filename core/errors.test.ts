import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, fail, httpStatusOf, isErrorCode } from './errors.ts';

describe('AppError', () => {
  it('wraps unknown throwables as system.unexpected without losing the message', () => {
    expect(fail(new Error('boom'))).toEqual({ ok: false, error: { code: 'system.unexpected', message: 'boom' } });
    expect(fail('text')).toEqual({ ok: false, error: { code: 'system.unexpected', message: 'text' } });
  });

  it('keeps coded errors and their details', () => {
    const err = new AppError('masterdata.duplicate-code', 'dup', {
      fields: [{ path: 'code', code: 'duplicate-code' }],
    });
    expect(fail(err)).toEqual({ ok: false, error: err.toJSON() });
    expect(JSON.parse(JSON.stringify(err))).toEqual(err.toJSON());
  });

  it('maps every code to an HTTP status in one table', () => {
    for (const code of ERROR_CODES) expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
    expect(isErrorCode('stock.insufficient-nonexistent')).toBe(false);
  });
});
