/**
 * The GS1 Application Identifier table: what each AI may carry and with which other AIs.
 *
 * Facts from the GS1 General Specifications (§3 AI definitions, §4.14 association rules, §7.8.5
 * predefined-length table) as published in machine-readable form by GS1's Barcode Syntax
 * Dictionary. Written out here rather than loaded so that core/ stays pure and the table can
 * be read in review. Linters we do not implement (country/currency lists, IBAN, GMN check pair,
 * coupon layouts, latitude/longitude) are left out on purpose: the component is still checked
 * for length and character set. docs/specs/gs1.md lists them.
 */

/** FNC1 as a scanner transmits it (ASCII 29, "group separator"). */
export const FNC1_GS = '\x1d';

/** N digits, X GS1 AI encodable character set 82, Y set 39, Z set 64 (base64url). */
export type Cset = 'N' | 'X' | 'Y' | 'Z';

/** Content checks beyond the character set; each maps to one error code in validate.ts. */
export type Lint =
  | 'csum' // GS1 mod-10 check digit over the component
  | 'yymmd0' // date, day 00 = last day of the month
  | 'yymmdd' // date, real calendar day
  | 'hhmm'
  | 'hhmm9' // hhmm, or 9999 meaning "no time" (4324/4325)
  | 'yymmddhh'
  | 'mmoptss' // mm or mmss
  | 'zero' // must be the digit 0 (8003)
  | 'nonzero'
  | 'winding' // 0, 1 or 9 (8001)
  | 'yesno'
  | 'hyphen' // "-" (4330–4333 negative temperature flag)
  | 'pieceoftotal' // 8006/8026 NNTT: piece ≤ total, neither zero
  | 'nozeroprefix'
  | 'pcenc'; // percent-encoding: "%" followed by two hex digits

export interface AiComponent {
  cset: Cset;
  min: number;
  max: number;
  optional: boolean;
  lints: readonly Lint[];
}

/** How the value is reported to callers (Gs1Element.value / date / decimals). */
export type ValueKind =
  | 'text'
  | 'integer' // counts (30, 37)
  | 'measure' // last AI digit = decimal places (31nn–36nn, 390n, 392n, 394n, 395n)
  | 'currency-amount' // ISO 4217 numeric + amount, last AI digit = decimals (391n, 393n)
  | 'date'; // first component is a date (YYMMDD), reported as YYYY-MM-DD

export interface AiEntry {
  ai: string;
  title: string;
  parts: readonly AiComponent[];
  minLength: number;
  maxLength: number;
  /** Predefined length (§7.8.5): no separator is needed after it. */
  predefined: boolean;
  /**
   * Each inner list is one requirement: at least one of its AIs (or patterns like "31nn")
   * must be present. All lists must be satisfied.
   */
  req: readonly (readonly string[])[];
  /** AIs (or patterns like "310n") that must not appear together with this one. */
  ex: readonly string[];
  kind: ValueKind;
  /**
   * Fixed length and guarded by a check digit or a date in its first component: data that
   * happens to look like this element is unlikely to be a coincidence. Used by the
   * lost-separator test in parse.ts.
   */
  selfChecking: boolean;
}

/** §7.8.5: two-digit prefixes whose AIs have a predefined length, with that value length. */
const PREDEFINED_LENGTH: Readonly<Record<string, number>> = {
  '00': 18,
  '01': 14,
  '02': 14,
  '03': 14,
  '04': 16,
  '11': 6,
  '12': 6,
  '13': 6,
  '14': 6,
  '15': 6,
  '16': 6,
  '17': 6,
  '18': 6,
  '19': 6,
  '20': 2,
  '31': 6,
  '32': 6,
  '33': 6,
  '34': 6,
  '35': 6,
  '36': 6,
  '41': 13,
};

export function isPredefinedLengthPrefix(prefix: string): boolean {
  return prefix in PREDEFINED_LENGTH;
}

/**
 * One component in a compact notation: "N18,csum", "X..20", "[X..17]" (optional),
 * "N6,yymmd0". Parsed once at module load.
 */
function component(spec: string): AiComponent {
  const optional = spec.startsWith('[');
  const body = optional ? spec.slice(1, spec.indexOf(']')) + spec.slice(spec.indexOf(']') + 1) : spec;
  const [type = '', ...lints] = body.split(',');
  const cset = type[0] as Cset;
  const range = type.slice(1);
  const variable = range.startsWith('..');
  const max = Number(variable ? range.slice(2) : range);
  const min = variable ? 1 : max;
  if (!'NXYZ'.includes(cset) || !Number.isInteger(max) || max < 1) throw new Error(`bad AI component ${spec}`);
  return { cset, min, max, optional, lints: lints as Lint[] };
}

interface Rules {
  req?: string[];
  ex?: string;
  kind?: ValueKind;
}

const entries: AiEntry[] = [];

function define(ai: string, title: string, spec: string, rules: Rules = {}): void {
  const parts = spec.split(' ').map(component);
  const minLength = parts.reduce((n, p) => n + (p.optional ? 0 : p.min), 0);
  const maxLength = parts.reduce((n, p) => n + p.max, 0);
  const first = parts[0];
  const kind =
    rules.kind ?? (first?.lints.some((l) => l === 'yymmd0' || l === 'yymmdd' || l === 'yymmddhh') ? 'date' : 'text');
  entries.push({
    ai,
    title,
    parts,
    minLength,
    maxLength,
    predefined: isPredefinedLengthPrefix(ai.slice(0, 2)),
    req: (rules.req ?? []).map((r) => r.split(',')),
    ex: rules.ex ? rules.ex.split(',') : [],
    kind,
    selfChecking:
      minLength === maxLength &&
      first !== undefined &&
      first.lints.some((l) => l === 'csum' || l === 'yymmd0' || l === 'yymmdd' || l === 'yymmddhh'),
  });
}

const ITEM = '01,02,8006,8026';

define('00', 'SSCC', 'N18,csum');
define('01', 'GTIN', 'N14,csum', { ex: '02,255,37' });
define('02', 'CONTENT', 'N14,csum', { req: ['37'] });
define('10', 'BATCH/LOT', 'X..20', { req: [ITEM] });
define('11', 'PROD DATE', 'N6,yymmd0', { req: [ITEM] });
define('12', 'DUE DATE', 'N6,yymmd0', { req: ['8020'] });
define('13', 'PACK DATE', 'N6,yymmd0', { req: [ITEM] });
define('15', 'BEST BEFORE or BEST BY', 'N6,yymmd0', { req: [ITEM] });
define('16', 'SELL BY', 'N6,yymmd0', { req: [ITEM] });
define('17', 'USE BY OR EXPIRY', 'N6,yymmd0', { req: ['01,02,255,8006,8026'] });
define('20', 'VARIANT', 'N2', { req: [ITEM] });
define('21', 'SERIAL', 'X..20', { req: ['01,8006'], ex: '235' });
define('22', 'CPV', 'X..20', { req: ['01'] });
define('235', 'TPX', 'X..28', { req: ['01'] });
define('240', 'ADDITIONAL ID', 'X..30', { req: [ITEM] });
define('241', 'CUST. PART No.', 'X..30', { req: [ITEM] });
define('242', 'MTO VARIANT', 'N..6', { req: [ITEM] });
define('243', 'PCN', 'X..20', { req: ['01'] });
define('250', 'SECONDARY SERIAL', 'X..30', { req: ['01,8006', '21'] });
define('251', 'REF. TO SOURCE', 'X..30', { req: ['01,8006'] });
define('253', 'GDTI', 'N13,csum [X..17]');
define('254', 'GLN EXTENSION COMPONENT', 'X..20', { req: ['414'] });
define('255', 'GCN', 'N13,csum [N..12]', { ex: '01,02,415,8006,8020,8026' });
define('30', 'VAR. COUNT', 'N..8', { req: ['01,02'], kind: 'integer' });

/** 31nn–36nn measures: [family, title, requirement]. Trade measures need a GTIN; logistic ones an SSCC or GTIN. */
const MEASURES: [string, string, string][] = [
  ['310', 'NET WEIGHT (kg)', '01,02'],
  ['311', 'LENGTH (m)', '01,02'],
  ['312', 'WIDTH (m)', '01,02'],
  ['313', 'HEIGHT (m)', '01,02'],
  ['314', 'AREA (m²)', '01,02'],
  ['315', 'NET VOLUME (l)', '01,02'],
  ['316', 'NET VOLUME (m³)', '01,02'],
  ['320', 'NET WEIGHT (lb)', '01,02'],
  ['321', 'LENGTH (in)', '01,02'],
  ['322', 'LENGTH (ft)', '01,02'],
  ['323', 'LENGTH (yd)', '01,02'],
  ['324', 'WIDTH (in)', '01,02'],
  ['325', 'WIDTH (ft)', '01,02'],
  ['326', 'WIDTH (yd)', '01,02'],
  ['327', 'HEIGHT (in)', '01,02'],
  ['328', 'HEIGHT (ft)', '01,02'],
  ['329', 'HEIGHT (yd)', '01,02'],
  ['330', 'GROSS WEIGHT (kg)', '00,01'],
  ['331', 'LENGTH (m), log', '00,01'],
  ['332', 'WIDTH (m), log', '00,01'],
  ['333', 'HEIGHT (m), log', '00,01'],
  ['334', 'AREA (m²), log', '00,01'],
  ['335', 'VOLUME (l), log', '00,01'],
  ['336', 'VOLUME (m³), log', '00,01'],
  ['337', 'KG PER m²', '01'],
  ['340', 'GROSS WEIGHT (lb)', '00,01'],
  ['341', 'LENGTH (in), log', '00,01'],
  ['342', 'LENGTH (ft), log', '00,01'],
  ['343', 'LENGTH (yd), log', '00,01'],
  ['344', 'WIDTH (in), log', '00,01'],
  ['345', 'WIDTH (ft), log', '00,01'],
  ['346', 'WIDTH (yd), log', '00,01'],
  ['347', 'HEIGHT (in), log', '00,01'],
  ['348', 'HEIGHT (ft), log', '00,01'],
  ['349', 'HEIGHT (yd), log', '00,01'],
  ['350', 'AREA (in²)', '01,02'],
  ['351', 'AREA (ft²)', '01,02'],
  ['352', 'AREA (yd²)', '01,02'],
  ['353', 'AREA (in²), log', '00,01'],
  ['354', 'AREA (ft²), log', '00,01'],
  ['355', 'AREA (yd²), log', '00,01'],
  ['356', 'NET WEIGHT (troy oz)', '01,02'],
  ['357', 'NET VOLUME (oz)', '01,02'],
  ['360', 'NET VOLUME (qt)', '01,02'],
  ['361', 'NET VOLUME (gal.)', '01,02'],
  ['362', 'VOLUME (qt), log', '00,01'],
  ['363', 'VOLUME (gal.), log', '00,01'],
  ['364', 'VOLUME (in³)', '01,02'],
  ['365', 'VOLUME (ft³)', '01,02'],
  ['366', 'VOLUME (yd³)', '01,02'],
  ['367', 'VOLUME (in³), log', '00,01'],
  ['368', 'VOLUME (ft³), log', '00,01'],
  ['369', 'VOLUME (yd³), log', '00,01'],
];
for (const [family, title, req] of MEASURES)
  for (let d = 0; d <= 5; d += 1)
    define(`${family}${d}`, title, 'N6', { req: [req], ex: `${family}n`, kind: 'measure' });

define('37', 'COUNT', 'N..8', { req: ['00', '02,8026'], kind: 'integer' });
for (let d = 0; d <= 9; d += 1) {
  define(`390${d}`, 'AMOUNT', 'N..15', { req: ['255,8020'], ex: '390n,391n,394n,8111', kind: 'measure' });
  define(`391${d}`, 'AMOUNT', 'N3 N..15', { req: ['8020'], ex: '391n', kind: 'currency-amount' });
  define(`392${d}`, 'PRICE', 'N..15', { req: ['01', '30,31nn,32nn,35nn,36nn'], ex: '392n,393n', kind: 'measure' });
  define(`393${d}`, 'PRICE', 'N3 N..15', { req: ['30,31nn,32nn,35nn,36nn'], ex: '393n', kind: 'currency-amount' });
}
for (let d = 0; d <= 3; d += 1)
  define(`394${d}`, 'PRCNT OFF', 'N4', { req: ['255'], ex: '394n,8111', kind: 'measure' });
for (let d = 0; d <= 5; d += 1)
  define(`395${d}`, 'PRICE/UoM', 'N6', {
    req: ['30,31nn,32nn,35nn,36nn'],
    ex: '392n,393n,395n,8005',
    kind: 'measure',
  });

define('400', 'ORDER NUMBER', 'X..30');
define('401', 'GINC', 'X..30');
define('402', 'GSIN', 'N17,csum');
define('403', 'ROUTE', 'X..30', { req: ['00'] });
define('410', 'SHIP TO LOC', 'N13,csum');
define('411', 'BILL TO', 'N13,csum');
define('412', 'PURCHASE FROM', 'N13,csum');
define('413', 'SHIP FOR LOC', 'N13,csum');
define('414', 'LOC No.', 'N13,csum');
define('415', 'PAY TO', 'N13,csum', { req: ['8020'] });
define('416', 'PROD/SERV LOC', 'N13,csum');
define('417', 'PARTY', 'N13,csum');
define('420', 'SHIP TO POST', 'X..20', { ex: '421' });
define('421', 'SHIP TO POST', 'N3 X..9', { ex: '4307' });
define('422', 'ORIGIN', 'N3', { req: [ITEM], ex: '426' });
define('423', 'COUNTRY - INITIAL PROCESS', 'N..15', { req: ['01,02'], ex: '426' });
define('424', 'COUNTRY - PROCESS', 'N3', { req: ['01,02'], ex: '426' });
define('425', 'COUNTRY - DISASSEMBLY', 'N..15', { req: ['01,02'], ex: '426' });
define('426', 'COUNTRY - FULL PROCESS', 'N3', { req: ['01,02'] });
define('427', 'ORIGIN SUBDIVISION', 'X..3', { req: ['01,02', '422'] });
define('4300', 'SHIP TO COMP', 'X..35,pcenc', { req: ['00'] });
define('4301', 'SHIP TO NAME', 'X..35,pcenc', { req: ['00'] });
define('4302', 'SHIP TO ADD1', 'X..70,pcenc', { req: ['00'] });
define('4303', 'SHIP TO ADD2', 'X..70,pcenc', { req: ['4302'] });
define('4304', 'SHIP TO SUB', 'X..70,pcenc', { req: ['00'] });
define('4305', 'SHIP TO LOC', 'X..70,pcenc', { req: ['00'] });
define('4306', 'SHIP TO REG', 'X..70,pcenc', { req: ['00'] });
define('4307', 'SHIP TO COUNTRY', 'X2', { req: ['00'] });
define('4308', 'SHIP TO PHONE', 'X..30', { req: ['00'] });
define('4309', 'SHIP TO GEO', 'N10 N10', { req: ['00'] });
define('4310', 'RTN TO COMP', 'X..35,pcenc', { req: ['00'] });
define('4311', 'RTN TO NAME', 'X..35,pcenc', { req: ['00'] });
define('4312', 'RTN TO ADD1', 'X..70,pcenc', { req: ['00'] });
define('4313', 'RTN TO ADD2', 'X..70,pcenc', { req: ['4312'] });
define('4314', 'RTN TO SUB', 'X..70,pcenc', { req: ['00'] });
define('4315', 'RTN TO LOC', 'X..70,pcenc', { req: ['00'] });
define('4316', 'RTN TO REG', 'X..70,pcenc', { req: ['00'] });
define('4317', 'RTN TO COUNTRY', 'X2', { req: ['00'] });
define('4318', 'RTN TO POST', 'X..20', { req: ['00'] });
define('4319', 'RTN TO PHONE', 'X..30', { req: ['00'] });
define('4320', 'SRV DESCRIPTION', 'X..35,pcenc', { req: ['00'] });
define('4321', 'DANGEROUS GOODS', 'N1,yesno', { req: ['00'] });
define('4322', 'AUTH TO LEAVE', 'N1,yesno', { req: ['00'] });
define('4323', 'SIG REQUIRED', 'N1,yesno', { req: ['00'] });
define('4324', 'NOT BEF DEL DT', 'N6,yymmd0 N4,hhmm9', { req: ['00'] });
define('4325', 'NOT AFT DEL DT', 'N6,yymmd0 N4,hhmm9', { req: ['00'] });
define('4326', 'REL DATE', 'N6,yymmdd', { req: ['00'] });
define('4330', 'MAX TEMP F.', 'N6 [X1,hyphen]', { req: ['00'], ex: '4331' });
define('4331', 'MAX TEMP C.', 'N6 [X1,hyphen]', { req: ['00'], ex: '4330' });
define('4332', 'MIN TEMP F.', 'N6 [X1,hyphen]', { req: ['00'], ex: '4333' });
define('4333', 'MIN TEMP C.', 'N6 [X1,hyphen]', { req: ['00'], ex: '4332' });
define('7001', 'NSN', 'N13', { req: [ITEM] });
define('7002', 'MEAT CUT', 'X..30', { req: ['01,02'] });
define('7003', 'EXPIRY TIME', 'N6,yymmdd N4,hhmm', { req: ['01,02'] });
define('7004', 'ACTIVE POTENCY', 'N..4', { req: ['01', '10'] });
define('7005', 'CATCH AREA', 'X..12', { req: ['01,02'] });
define('7006', 'FIRST FREEZE DATE', 'N6,yymmdd', { req: ['01,02'] });
define('7007', 'HARVEST DATE', 'N6,yymmdd [N6,yymmdd]', { req: ['01,02'] });
define('7008', 'AQUATIC SPECIES', 'X..3', { req: ['01,02'] });
define('7009', 'FISHING GEAR TYPE', 'X..10', { req: ['01,02'] });
define('7010', 'PROD METHOD', 'X..2', { req: ['01,02'] });
define('7011', 'TEST BY DATE', 'N6,yymmdd [N4,hhmm]', { req: ['01,02'] });
define('7020', 'REFURB LOT', 'X..20', { req: ['01,8006', '416'] });
define('7021', 'FUNC STAT', 'X..20', { req: ['01,8006'] });
define('7022', 'REV STAT', 'X..20', { req: ['7021'] });
define('7023', 'GIAI - ASSEMBLY', 'X..30');
for (let i = 0; i <= 9; i += 1) define(`703${i}`, `PROCESSOR # ${i}`, 'N3 X..27', { req: ['01,02'] });
define('7040', 'UIC+EXT', 'N1 X1 X1 X1');
for (let i = 0; i <= 5; i += 1) define(`71${i}`, 'NHRN', 'X..20', { req: ['01'] });
for (let i = 0; i <= 9; i += 1) define(`723${i}`, `CERT # ${i + 1}`, 'X2 X..28', { req: ['01,8004'] });
define('7240', 'PROTOCOL', 'X..20', { req: ['01,8006'] });
define('7241', 'AIDC MEDIA TYPE', 'N2', { req: ['8017,8018'] });
define('7242', 'VCN', 'X..25', { req: ['8017,8018'] });
define('8001', 'DIMENSIONS', 'N4,nonzero N5,nonzero N3,nonzero N1,winding N1', { req: ['01'] });
define('8002', 'CMT No.', 'X..20');
define('8003', 'GRAI', 'N1,zero N13,csum [X..16]');
define('8004', 'GIAI', 'X..30');
define('8005', 'PRICE PER UNIT', 'N6', { req: ['01,02'] });
define('8006', 'ITIP', 'N14,csum N4,pieceoftotal', { ex: '01,37' });
define('8007', 'IBAN', 'X..34', { req: ['415'] });
define('8008', 'PROD TIME', 'N8,yymmddhh [N..4,mmoptss]', { req: ['01,02'] });
define('8009', 'OPTSEN', 'X..50', { req: ['00,01'] });
define('8010', 'CPID', 'Y..30');
define('8011', 'CPID SERIAL', 'N..12,nozeroprefix', { req: ['8010'] });
define('8012', 'VERSION', 'X..20', { req: ['01,8006'] });
define('8013', 'GMN', 'X..25');
define('8017', 'GSRN - PROVIDER', 'N18,csum', { ex: '8018' });
define('8018', 'GSRN - RECIPIENT', 'N18,csum', { ex: '8017' });
define('8019', 'SRIN', 'N..10', { req: ['8017,8018'] });
define('8020', 'REF No.', 'X..25', { req: ['415'] });
define('8026', 'ITIP CONTENT', 'N14,csum N4,pieceoftotal', { req: ['37'], ex: '02,8006' });
define('8030', 'DIGSIG', 'Z..90', { req: ['00,01,253,255,8003,8004,8006,8010,8017,8018'] });
define('8111', 'POINTS', 'N4', { req: ['255'] });
define('8200', 'PRODUCT URL', 'X..70', { req: ['01'] });
define('90', 'INTERNAL', 'X..30');
for (let i = 91; i <= 99; i += 1) define(String(i), 'INTERNAL', 'X..90');

const BY_AI = new Map(entries.map((e) => [e.ai, e]));

/** AI length for each two-digit prefix; every AI sharing a prefix has the same length (§3.2). */
const AI_LENGTH_BY_PREFIX = new Map<string, number>();
for (const e of entries) {
  const prefix = e.ai.slice(0, 2);
  const known = AI_LENGTH_BY_PREFIX.get(prefix);
  if (known !== undefined && known !== e.ai.length) throw new Error(`AI table: prefix ${prefix} has mixed lengths`);
  AI_LENGTH_BY_PREFIX.set(prefix, e.ai.length);
}

export const AI_TABLE: readonly AiEntry[] = entries;

export function aiEntry(ai: string): AiEntry | undefined {
  return BY_AI.get(ai);
}

export function aiLengthByPrefix(prefix: string): number | undefined {
  return AI_LENGTH_BY_PREFIX.get(prefix);
}

/** The known AI that starts at `pos` in unbracketed data, if any. */
export function aiAt(data: string, pos: number): AiEntry | undefined {
  const length = AI_LENGTH_BY_PREFIX.get(data.slice(pos, pos + 2));
  return length === undefined ? undefined : BY_AI.get(data.slice(pos, pos + length));
}

/** The value length of a predefined-length prefix (§7.8.5), for tests against the table. */
export function predefinedValueLength(prefix: string): number | undefined {
  return PREDEFINED_LENGTH[prefix];
}
