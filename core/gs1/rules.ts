import { AppError } from '../errors.ts';
import { aiEntry } from './ai.ts';

/**
 * Where association rules are evaluated. GS1 says required/exclusive pairings hold over all
 * barcodes on one item (§4.14), but a scanner reads one barcode at a time.
 * - 'scan': one barcode. A requirement that can be met by the SSCC (00) is not checked,
 *   because the logistic label prints the SSCC in its own barcode (GS1 logistic label
 *   guideline) — e.g. (37) needs (00) per GS1 but sits in the content barcode. Every other
 *   requirement and every exclusion is checked.
 * - 'label': the combined elements of every barcode on one label; all rules apply.
 */
export type AssociationScope = 'scan' | 'label';

/** "31nn" / "310n" match by their digit prefix; anything else is an exact AI. */
function matches(pattern: string, ai: string): boolean {
  const wild = pattern.indexOf('n');
  return wild < 0 ? pattern === ai : ai.length === pattern.length && ai.startsWith(pattern.slice(0, wild));
}

/**
 * Checks repeated AIs, exclusive pairs and required associations, in that order, and throws
 * the first violation (gs1.duplicate-ai, gs1.exclusive, gs1.missing-required). A repeated AI
 * with the same value is accepted (GS1 allows it; the syntax engine does too).
 */
export function checkAssociations(elements: readonly { ai: string; raw: string }[], scope: AssociationScope): void {
  const seen = new Map<string, string>();
  for (const e of elements) {
    const prev = seen.get(e.ai);
    if (prev !== undefined && prev !== e.raw)
      throw new AppError(
        'gs1.duplicate-ai',
        `AI (${e.ai}) appears twice with different values (${JSON.stringify(prev)} and ${JSON.stringify(e.raw)})`,
        { ai: e.ai },
      );
    seen.set(e.ai, e.raw);
  }
  const ais = [...seen.keys()];
  for (const ai of ais) {
    const entry = aiEntry(ai);
    if (!entry) continue;
    for (const pattern of entry.ex) {
      const other = ais.find((x) => x !== ai && matches(pattern, x));
      if (other !== undefined)
        throw new AppError('gs1.exclusive', `AI (${ai}) must not be used together with AI (${other})`, {
          ai,
          other,
        });
    }
  }
  for (const ai of ais) {
    const entry = aiEntry(ai);
    if (!entry) continue;
    for (const group of entry.req) {
      if (scope === 'scan' && group.includes('00')) continue;
      if (!group.some((pattern) => ais.some((x) => x !== ai && matches(pattern, x))))
        throw new AppError(
          'gs1.missing-required',
          `AI (${ai}) requires ${group.length === 1 ? 'AI' : 'one of AIs'} ${group.map((g) => `(${g})`).join(', ')}`,
          { ai, required: group.join(' / ') },
        );
    }
  }
}
