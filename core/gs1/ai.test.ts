import { describe, expect, it } from 'vitest';
import { AI_TABLE, aiEntry, aiLengthByPrefix, isPredefinedLengthPrefix, predefinedValueLength } from './ai.ts';

describe('AI table', () => {
  it('has the AIs a logistic label and retail use', () => {
    const wanted = [
      '00',
      '01',
      '02',
      '10',
      '11',
      '12',
      '13',
      '15',
      '16',
      '17',
      '20',
      '21',
      '22',
      '235',
      '240',
      '241',
      '242',
      '250',
      '251',
      '253',
      '254',
      '255',
      '30',
      '37',
      '400',
      '401',
      '402',
      '403',
      '420',
      '421',
      '422',
      '423',
      '424',
      '425',
      '426',
      '7001',
      '7002',
      '7003',
      '7007',
      '7240',
      '8003',
      '8004',
      '8005',
      '8006',
      '8008',
      '8012',
      '8013',
      '8017',
      '8018',
      '8020',
      '90',
    ];
    for (let n = 410; n <= 417; n += 1) wanted.push(String(n));
    for (let n = 91; n <= 99; n += 1) wanted.push(String(n));
    for (const family of ['310', '316', '320', '329', '330', '337', '340', '349', '356', '357', '360', '369'])
      for (let d = 0; d <= 5; d += 1) wanted.push(`${family}${d}`);
    for (let d = 0; d <= 9; d += 1) wanted.push(`390${d}`, `391${d}`, `392${d}`, `393${d}`);
    for (let d = 0; d <= 3; d += 1) wanted.push(`394${d}`);
    for (let d = 0; d <= 5; d += 1) wanted.push(`395${d}`);
    const missing = wanted.filter((ai) => !aiEntry(ai));
    expect(missing).toEqual([]);
  });

  it('gives every prefix one AI length (GS1 Syntax Engine ai.c test_ai_checkAIlengthByPrefix)', () => {
    const expected: Record<string, number> = {
      '00': 2,
      '01': 2,
      '02': 2,
      '10': 2,
      '11': 2,
      '12': 2,
      '13': 2,
      '15': 2,
      '16': 2,
      '17': 2,
      '20': 2,
      '21': 2,
      '22': 2,
      '23': 3,
      '24': 3,
      '25': 3,
      '30': 2,
      '31': 4,
      '32': 4,
      '33': 4,
      '34': 4,
      '35': 4,
      '36': 4,
      '37': 2,
      '39': 4,
      '40': 3,
      '41': 3,
      '42': 3,
      '43': 4,
      '70': 4,
      '71': 3,
      '72': 4,
      '80': 4,
      '81': 4,
      '82': 4,
      '90': 2,
      '91': 2,
      '92': 2,
      '93': 2,
      '94': 2,
      '95': 2,
      '96': 2,
      '97': 2,
      '98': 2,
      '99': 2,
    };
    for (const [prefix, length] of Object.entries(expected)) expect(aiLengthByPrefix(prefix), prefix).toBe(length);
    for (const e of AI_TABLE) expect(e.ai.length, e.ai).toBe(aiLengthByPrefix(e.ai.slice(0, 2)));
  });

  it('marks exactly the predefined-length prefixes as needing no separator, with their lengths (ai.c test_ai_AItableVsIsFNC1required)', () => {
    for (const e of AI_TABLE) {
      const prefix = e.ai.slice(0, 2);
      expect(e.predefined, e.ai).toBe(isPredefinedLengthPrefix(prefix));
      if (e.predefined) {
        expect(e.minLength, e.ai).toBe(predefinedValueLength(prefix));
        expect(e.maxLength, e.ai).toBe(predefinedValueLength(prefix));
      }
    }
  });

  it('refers only to AIs it defines in its rules', () => {
    const known = (pattern: string): boolean => {
      const wild = pattern.indexOf('n');
      const prefix = wild < 0 ? pattern : pattern.slice(0, wild);
      return AI_TABLE.some((e) => (wild < 0 ? e.ai === pattern : e.ai.startsWith(prefix)));
    };
    for (const e of AI_TABLE) for (const p of [...e.ex, ...e.req.flat()]) expect(known(p), `${e.ai} → ${p}`).toBe(true);
  });

  it('treats only fixed-length, check-digit or date AIs as self-checking', () => {
    const selfChecking = AI_TABLE.filter((e) => e.selfChecking).map((e) => e.ai);
    expect(selfChecking).toEqual(expect.arrayContaining(['00', '01', '02', '11', '17', '410', '8006', '8017', '7003']));
    expect(selfChecking).not.toContain('10');
    expect(selfChecking).not.toContain('37');
    expect(selfChecking).not.toContain('7007'); // variable length
    expect(selfChecking).not.toContain('3103'); // no check on the digits
  });
});
