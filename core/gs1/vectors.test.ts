/**
 * Cases written from public test vectors (read, not copied): jodal/biip
 * (tests/gs1_messages/test_messages.py, test_element_strings.py), the GS1 Syntax Engine
 * (gs1/gs1-syntax-engine src/c-lib/ai.c and scandata.c unit-test blocks) and Sleavely/Bark-JS
 * (src/gs1/parser.spec.js). Where our stricter parser refuses what a vector accepts, the case
 * says so and why.
 */
import { describe, expect, it } from 'vitest';
import { parseGs1 } from './parse.ts';
import { GS, pairs, refusal } from './testing.ts';

const now = new Date('2025-06-15T00:00:00Z');
const none = { associations: 'none' as const, now };
/**
 * Single elements go through "]C1": without a symbology identifier an 8/12/13/14-digit string
 * with a valid mod-10 check reads as a plain GTIN and is refused (docs/specs/gs1.md).
 */
const one = (s: string): ReturnType<typeof parseGs1>['elements'][number] | undefined =>
  parseGs1(`]C1${s}`, none).elements[0];

describe('biip vectors', () => {
  it('parses GTIN, best-before and a final batch (test_messages.py test_parse)', () => {
    const m = parseGs1('010703206980498815210526100329', { now });
    expect(m.elements).toEqual([
      { ai: '01', title: 'GTIN', raw: '07032069804988', value: '07032069804988' },
      { ai: '15', title: 'BEST BEFORE or BEST BY', raw: '210526', value: '210526', date: '2021-05-26' },
      { ai: '10', title: 'BATCH/LOT', raw: '0329', value: '0329' },
    ]);
  });

  it('refuses a batch that swallowed the best-before date, where biip returns (10)032915210526', () => {
    // test_parse_with_separator_char: "lot number field in the middle, consuming the best before date"
    const e = refusal('010703206980498810032915210526', { now });
    expect(e.code).toBe('gs1.ambiguous');
    expect(e.details).toMatchObject({ ai: '10', position: 22 });
  });

  it('splits at a GS, and at a configured substitute', () => {
    expect(pairs(`0107032069804988100329${GS}15210526`, { now })).toEqual([
      '01=07032069804988',
      '10=0329',
      '15=210526',
    ]);
    // biip takes single-character separators; ours is a token, "|" works the same way
    expect(pairs('0107032069804988100329|15210526', { gsSubstitute: '|', now })).toEqual([
      '01=07032069804988',
      '10=0329',
      '15=210526',
    ]);
  });

  it('refuses data left over after a full-length batch (test_parse_fails_if_unparsed_data_left)', () => {
    expect(refusal('1022222222222222222222aaa', none).code).toMatch(/^gs1\.(bad-length|ambiguous)$/);
    // "701103020185" is really a GTIN-12: without a symbology identifier we will not read it as (7011)
    expect(refusal('701103020185', none).code).toBe('gs1.not-gs1');
    expect(refusal(']C1701103020185', none).code).toBe('gs1.bad-length');
  });

  it('tolerates one trailing GS and a GS after a fixed-length field, refuses a double GS', () => {
    // test_parse_ignores_redundant_separator_chars; biip also drops double separators, the
    // syntax engine does not (an AI must follow a separator) and neither do we.
    expect(pairs(`15210526100329${GS}`, none)).toEqual(['15=210526', '10=0329']);
    expect(pairs(`15210526${GS}100329`, none)).toEqual(['15=210526', '10=0329']);
    expect(refusal(`0107032069804988100329${GS}${GS}15210526`, { now }).code).toBe('gs1.unexpected-separator');
  });

  it('strips surrounding whitespace (test_parse_strips_surrounding_whitespace)', () => {
    expect(pairs('  \t 00373400306809981733 \n  ')).toEqual(['00=373400306809981733']);
  });

  it('reads HRI (test_parse_hri)', () => {
    expect(pairs('(17)221231', none)).toEqual(['17=221231']);
    expect(pairs('(10)123(17)221231', none)).toEqual(['10=123', '17=221231']);
    expect(pairs('  \t (01)02302148210869(17)221231 \n  ', { now })).toEqual(['01=02302148210869', '17=221231']);
    expect(refusal('(15)', none).code).toBe('gs1.bad-length');
    expect(refusal('(1)15210526', none).code).toBe('gs1.unknown-ai');
  });

  it('reads the element string examples (test_element_strings.py test_extract)', () => {
    expect(pairs('00373400306809981733')).toEqual(['00=373400306809981733']);
    expect(pairs('4101234567890128')).toEqual(['410=1234567890128']);
    expect(parseGs1('7011030102', none).elements[0]).toMatchObject({ ai: '7011', date: '2003-01-02' });
    expect(parseGs1('70110301021430', none).elements[0]).toMatchObject({ raw: '0301021430', date: '2003-01-02' });
  });

  it('refuses wrong check digits that biip only flags (test_extract_with_nested_error)', () => {
    expect(refusal('4101234567890127').code).toBe('gs1.bad-check-digit');
    expect(refusal('0107032069804987').code).toBe('gs1.bad-check-digit');
    expect(refusal('00376130321109103421').code).toBe('gs1.bad-check-digit');
    // biip's GRAI example "800307071324001022085952" carries a wrong check digit in its N13 part
    expect(refusal('800307071324001022085952').code).toBe('gs1.bad-check-digit');
  });

  it('refuses values that do not match the AI format', () => {
    expect(refusal(']C101123').code).toBe('gs1.bad-length');
    expect(refusal(']C13100123', none).code).toBe('gs1.bad-length');
    expect(refusal(']C111120230', none).code).toBe('gs1.bad-date');
    expect(refusal(']C115990229', none).code).toBe('gs1.bad-date');
  });

  it('reads dates and date-times (test_extract_date_and_datetime)', () => {
    const date = (s: string): string | undefined => one(s)?.date;
    for (const ai of ['11', '12', '13', '15', '16', '17']) expect(date(`${ai}030201`)).toBe('2003-02-01');
    expect(date('43240701029999')).toBe('2007-01-02');
    expect(date('43250701021430')).toBe('2007-01-02');
    expect(date('4326070102')).toBe('2007-01-02');
    expect(date('70030701021415')).toBe('2007-01-02');
    expect(date('7006030102')).toBe('2003-01-02');
    expect(date('7007030102')).toBe('2003-01-02');
    expect(date('800800010214')).toBe('2000-01-02');
    expect(date('80080001021415')).toBe('2000-01-02');
    expect(date('8008000102141516')).toBe('2000-01-02');
  });

  it('places two-digit years within −49…+50 years (test_extract_handles_min_and_max_year_correctly)', () => {
    const date = (s: string): string | undefined => one(s)?.date;
    expect(date('15250526')).toBe('2025-05-26');
    expect(date('15760526')).toBe('1976-05-26'); // 49 years back
    expect(date('15750526')).toBe('2075-05-26'); // 50 years ahead
  });

  it('reads day 00 as the last day of the month (test_extract_handles_zero_day_as_last_day_of_month)', () => {
    const date = (s: string): string | undefined => one(s)?.date;
    expect(date('15200200')).toBe('2020-02-29');
    expect(date('15210200')).toBe('2021-02-28');
    expect(date('17211200')).toBe('2021-12-31');
  });

  it('applies implied decimals (test_extract_variable_measures, amount payable, percentage)', () => {
    const value = (s: string): unknown => one(s)?.value;
    expect(value('3105123456')).toBe(1.23456);
    expect(value('3114123456')).toBe(12.3456);
    expect(value('3132123456')).toBe(1234.56);
    expect(value('3150123456')).toBe(123456);
    expect(value('3661123456')).toBe(12345.6);
    expect(value('3302023456')).toBe(234.56);
    expect(value('3335023456')).toBe(0.23456);
    expect(value('3372123456')).toBe(1234.56);
    expect(value('3901123')).toBe(12.3);
    expect(value('3903123456789012345')).toBe(123456789012.345);
    expect(value('3929123456789012345')).toBe(123456.789012345);
    expect(parseGs1('39127101230', none).elements[0]).toMatchObject({ raw: '7101230', value: 12.3, decimals: 2 });
    expect(value('391097812301')).toBe(12301);
    expect(value('39410055')).toBe(5.5);
  });

  it('keeps several AIs of one family apart (test_filter_element_strings_by_ai)', () => {
    expect(pairs(`7230EM123${GS}7231EM456${GS}7232EM789`, none)).toEqual(['7230=EM123', '7231=EM456', '7232=EM789']);
  });
});

describe('GS1 Syntax Engine vectors', () => {
  it('bracketed data (ai.c test_ai_parseAIdata)', () => {
    expect(pairs('(01)12345678901231')).toEqual(['01=12345678901231']);
    expect(pairs('(01)12345678901231(10)12345')).toEqual(['01=12345678901231', '10=12345']);
    expect(pairs('(10)12345(11)991225', none)).toEqual(['10=12345', '11=991225']);
    expect(pairs('(10)12345\\(11)991225', none)).toEqual(['10=12345(11)991225']);
    expect(pairs('(10)12345\\(', none)).toEqual(['10=12345(']);
    const refused: [string, string][] = [
      ['(10)(11)98765', 'gs1.bad-length'],
      ['(10)12345(11)', 'gs1.bad-length'],
      ['(1A)12345', 'gs1.unknown-ai'],
      ['()12345', 'gs1.unknown-ai'],
      ['(12345)12345', 'gs1.unknown-ai'],
      ['(15', 'gs1.unknown-ai'],
      ['(', 'gs1.unknown-ai'],
      ['(01)123456789012312(10)12345', 'gs1.bad-length'],
      ['(10)12345^', 'gs1.bad-characters'],
      ['(17)9(90)217', 'gs1.bad-length'],
    ];
    for (const [input, code] of refused) expect(refusal(input, none).code, input).toBe(code);
    expect(refusal('1(12345', none).code).toBe('gs1.not-gs1');
    expect(refusal('12345', none).code).toBe('gs1.bad-length'); // reads as (12) with a short date
  });

  it('linter failures on real AIs (ai.c test_ai_linters)', () => {
    const cases: [string, string][] = [
      ['(00)A23456789012345675', 'gs1.bad-characters'],
      ['(10) ', 'gs1.bad-length'], // HRI spaces are trimmed, leaving nothing
      ['(10)A B', 'gs1.bad-characters'],
      ['(8010)123456_', 'gs1.bad-characters'],
      ['(00)123456789012345670', 'gs1.bad-check-digit'],
      ['(8001)12340000012311', 'gs1.bad-value'],
      ['(8003)112345678901281234567890123456', 'gs1.bad-value'],
      ['(8011)023456789012', 'gs1.bad-value'],
      ['(4321)2', 'gs1.bad-value'],
      ['(8001)12341234512321', 'gs1.bad-value'],
      ['(8008)20122515300', 'gs1.bad-length'],
      ['(4326)201300', 'gs1.bad-date'],
      ['(4326)201200', 'gs1.bad-date'],
      ['(4324)2012252400', 'gs1.bad-date'],
      ['(4324)2012252360', 'gs1.bad-date'],
      ['(8008)201225230060', 'gs1.bad-date'],
      ['(8026)123456789012310099', 'gs1.bad-value'],
      ['(8026)123456789012310100', 'gs1.bad-value'],
      ['(8026)123456789012310302', 'gs1.bad-value'],
      ['(4300)ABC%0g', 'gs1.bad-value'],
      ['(4330)000000X', 'gs1.bad-value'],
      ['(01)95012345678902(3103)000123', 'gs1.bad-check-digit'],
      ['(01)95012345678903(11)131313', 'gs1.bad-date'],
    ];
    for (const [input, code] of cases) expect(refusal(input, none).code, input).toBe(code);
    expect(pairs('(00)123456789012345675')).toEqual(['00=123456789012345675']);
    expect(pairs('(01)95012345678903(3103)000123')).toEqual(['01=95012345678903', '3103=000123']);
  });

  it('unbracketed data (ai.c test_ai_processAIdata)', () => {
    const ok = [
      '991234',
      '0112345678901231',
      `0112345678901231${GS}`,
      '0112345678901231991234',
      `0112345678901231${GS}991234`,
      '2421',
      '242123456',
      `242123456${GS}10ABC123`,
      `242123456${GS}`,
      '81111234',
      `81111234${GS}10ABC123`,
      '800112341234512398',
      `800112341234512398${GS}0112345678901231`,
      '7007211225211231',
      '7007211225',
      '800302112345678900ABC',
      '800302112345678900',
      `800302112345678900${GS}10ABC123`,
      '800302112345678900ABCDEFGHIJKLMNOP',
      '7230121234567890123456789012345678',
      '7230123',
    ];
    for (const s of ok) expect(() => parseGs1(`]C1${s}`, none), JSON.stringify(s)).not.toThrow();
    const bad: [string, string][] = [
      ['99~ABC', 'gs1.bad-characters'],
      ['99ABC~', 'gs1.bad-characters'],
      ['01A2345678901231', 'gs1.bad-characters'],
      ['011234567890123A', 'gs1.bad-characters'],
      ['0112345678901234', 'gs1.bad-check-digit'],
      ['011234567890123', 'gs1.bad-length'],
      ['01123456789012312', 'gs1.unknown-ai'],
      [`011234567890123${GS}`, 'gs1.bad-length'],
      [`01123456789012315${GS}`, 'gs1.unknown-ai'],
      ['2421234567', 'gs1.bad-length'],
      ['8111123', 'gs1.bad-length'],
      ['811112345', 'gs1.bad-length'],
      ['80011234123451239', 'gs1.bad-length'],
      ['8001123412345123981', 'gs1.bad-length'],
      [`80011234123451239${GS}0112345678901231`, 'gs1.bad-length'],
      ['70072112252', 'gs1.bad-length'],
      ['700721122521', 'gs1.bad-length'],
      ['800302112345678901ABC', 'gs1.bad-check-digit'],
      ['800302112345678900ABCDEFGHIJKLMNOPQ', 'gs1.bad-length'],
      ['723012', 'gs1.bad-length'],
      ['891234', 'gs1.unknown-ai'],
    ];
    for (const [s, code] of bad) expect(refusal(`]C1${s}`, none).code, JSON.stringify(s)).toBe(code);
    expect(refusal(']C1', none).code).toBe('gs1.empty');
    expect(refusal(`]C1${GS}`, none).code).toBe('gs1.empty');
    // Too long, and a valid reading exists with a GS inserted ("211225" + (22)"12311";
    // "12" + … + (90)"9"): refused as ambiguous rather than merely too long.
    expect(refusal(']C170072112252212311', none).code).toBe('gs1.ambiguous');
    expect(refusal(']C172301212345678901234567890123456789', none).code).toBe('gs1.ambiguous');
  });

  it('association rules (ai.c test_ai_validateAIassociations)', () => {
    const ok = [
      '(400)ABC(400)ABC',
      '(400)ABC(99)DEF(400)ABC',
      '(02)12345678901231(37)123(00)123456789012345675',
      '(91)XXX(02)12345678901231(92)YYY(37)123(93)ZZZ(00)123456789012345675',
      '(21)ABC123(01)12345678901231',
      '(21)ABC123(8006)123456789012310510',
      '(01)12345678901231(21)XYZ999(250)ABC123',
      '(01)12345678901231(3925)12599(30)123',
      '(01)12345678901231(3925)12599(3105)654321',
      '(01)12345678901231(3925)12599(3695)654321',
    ];
    for (const s of ok) expect(() => parseGs1(s, { associations: 'label' }), s).not.toThrow();
    const bad: [string, string][] = [
      ['(400)ABC(400)AB', 'gs1.duplicate-ai'],
      ['(400)ABC(400)ABC(400)XYZ', 'gs1.duplicate-ai'],
      ['(99)ABC(400)ABC(400)XYZ', 'gs1.duplicate-ai'],
      ['(01)12345678901231(02)12345678901231', 'gs1.exclusive'],
      ['(01)12345678901231(255)5412345000150', 'gs1.exclusive'],
      ['(01)12345678901231(37)123', 'gs1.exclusive'],
      ['(21)ABC123(235)XYZ', 'gs1.exclusive'],
      ['(3940)1234(8111)9999', 'gs1.exclusive'],
      ['(3940)1234(3941)9999', 'gs1.exclusive'],
      ['(3955)123456(3929)123', 'gs1.exclusive'],
      ['(02)12345678901231', 'gs1.missing-required'],
      ['(02)12345678901231(37)123', 'gs1.missing-required'],
      ['(21)ABC123', 'gs1.missing-required'],
      ['(01)12345678901231(250)ABC123', 'gs1.missing-required'],
      ['(01)12345678901231(3925)12599', 'gs1.missing-required'],
    ];
    for (const [s, code] of bad) expect(refusal(s, { associations: 'label' }).code, s).toBe(code);
    // Repeated AI with the same value: accepted, reported once
    expect(pairs('(400)ABC(99)DEF(400)ABC')).toEqual(['400=ABC', '99=DEF']);
  });

  it('scan data with symbology identifiers (scandata.c test_scandata_processScanData)', () => {
    expect(refusal('').code).toBe('gs1.empty');
    expect(refusal(']').code).toBe('gs1.bad-symbology');
    expect(refusal(']X').code).toBe('gs1.bad-symbology');
    expect(refusal(']e0').code).toBe('gs1.empty');
    expect(refusal(']Q3').code).toBe('gs1.empty');
    expect(refusal(']d2').code).toBe('gs1.empty');
    expect(refusal(']C1').code).toBe('gs1.empty');
    for (const plain of [']Q1TESTING', ']d1TESTING', ']Q1^TESTING', ']E02112345678900', ']E402345673'])
      expect(refusal(plain).code, plain).toBe('gs1.not-gs1');
    const data = `011231231231233310ABC123${GS}99TESTING`;
    const expected = ['01=12312312312333', '10=ABC123', '99=TESTING'];
    expect(parseGs1(`]Q3${data}`)).toMatchObject({ symbology: 'gs1-qr' });
    expect(pairs(`]Q3${data}`)).toEqual(expected);
    expect(parseGs1(`]d2${data}`).symbology).toBe('gs1-datamatrix');
    expect(parseGs1(`]C1${data}`).symbology).toBe('gs1-128');
    expect(parseGs1(`]e0${data}`).symbology).toBeNull();
    expect(pairs(`]e0${data}${GS}98XYZ`)).toEqual([...expected, '98=XYZ']);
    expect(pairs(`]e0011231231231233310ABC123${GS}1199122598TESTING${GS}97XYZ`, { now })).toEqual([
      '01=12312312312333',
      '10=ABC123',
      '11=991225',
      '98=TESTING',
      '97=XYZ',
    ]);
  });

  it('AI lengths by prefix (ai.c test_ai_lookupAIentry)', () => {
    expect(pairs(']C18012ABC', none)).toEqual(['8012=ABC']);
    expect(pairs(']C1235XXX', none)).toEqual(['235=XXX']);
    for (const s of ['2345XX', '234567', '23XXXX', '37123456789', '89ABC'])
      expect(refusal(`]C1${s}`, none).code, s).toMatch(/^gs1\.(unknown-ai|bad-length)$/);
  });
});

describe('Bark-JS vectors (src/gs1/parser.spec.js)', () => {
  it('refuses its GTIN examples: 12345678901234 has a wrong check digit (the right one is 1)', () => {
    expect(refusal('0112345678901234').code).toBe('gs1.bad-check-digit');
    expect(refusal(']Q30112345678901234').code).toBe('gs1.bad-check-digit');
    expect(refusal('0112345678901234101337').details).toMatchObject({ ai: '01', position: 15 });
  });

  it('reads a variable-length field first, and a multi-character substitute', () => {
    expect(pairs(`101337${GS}0112345678901231`)).toEqual(['10=1337', '01=12345678901231']);
    expect(pairs('107473020{GS}217473020-000', { gsSubstitute: '{GS}', associations: 'none' })).toEqual([
      '10=7473020',
      '21=7473020-000',
    ]);
    expect(pairs('107473020🥉217473020-000', { gsSubstitute: '🥉', associations: 'none' })).toEqual([
      '10=7473020',
      '21=7473020-000',
    ]);
    // Without (01) the batch and serial have nothing to belong to
    expect(refusal('107473020{GS}217473020-000', { gsSubstitute: '{GS}' }).code).toBe('gs1.missing-required');
  });

  it('reads the live examples', () => {
    const dm = parseGs1(`]d221123456789012${GS}1713100010A1234567`, none);
    expect(dm.symbology).toBe('gs1-datamatrix');
    expect(dm.elements.map((e) => [e.ai, e.raw, e.date ?? null])).toEqual([
      ['21', '123456789012', null],
      ['17', '131000', '2013-10-31'],
      ['10', 'A1234567', null],
    ]);
    expect(pairs(`015031170462001821123456789012${GS}1718053110S12345`)).toEqual([
      '01=50311704620018',
      '21=123456789012',
      '17=180531',
      '10=S12345',
    ]);
    expect(pairs(`42095747${GS}9477707123456123456781`)).toEqual(['420=95747', '94=77707123456123456781']);
  });

  it('reads the real pallet label (02)(37)(10)(00)', () => {
    const scan = `02050604788800043766${GS}10123abc${GS}00990000100000001862`;
    const m = parseGs1(scan, { associations: 'label' });
    expect(m.elements).toEqual([
      { ai: '02', title: 'CONTENT', raw: '05060478880004', value: '05060478880004' },
      { ai: '37', title: 'COUNT', raw: '66', value: 66 },
      { ai: '10', title: 'BATCH/LOT', raw: '123abc', value: '123abc' },
      { ai: '00', title: 'SSCC', raw: '990000100000001862', value: '990000100000001862' },
    ]);
  });
});
