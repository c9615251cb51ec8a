import { AppError } from '../errors.ts';
import { parseGs1, type ParseGs1Options } from './parse.ts';

/** Test helper: the AppError a scan is refused with (fails the test when it parses). */
export function refusal(scan: string, options?: ParseGs1Options): AppError {
  try {
    const parsed = parseGs1(scan, options);
    throw new Error(`expected a refusal, parsed ${JSON.stringify(parsed.elements)}`);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
}

/** Test helper: "ai=raw" pairs, the shape most vectors are stated in. */
export function pairs(scan: string, options?: ParseGs1Options): string[] {
  return parseGs1(scan, options).elements.map((e) => `${e.ai}=${e.raw}`);
}

export const GS = '\x1d';
