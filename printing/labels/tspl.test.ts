import { describe, expect, it } from 'vitest';
import { makeSscc } from '../../core/gs1/build.ts';
import { validateTemplate } from '../../core/labels/bind.ts';
import type { LabelData } from '../../core/labels/data.ts';
import { DEFAULT_TEMPLATES } from '../../core/labels/defaults.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import { decodeBmp, rasteriseTspl } from '../testing/tspl.ts';
import { BMP_HEADER_BYTES, monochromeBmp, type Bitmap } from './bitmap.ts';
import { renderLabels } from './render.ts';
import { TSPL_MAX_STORED_FILES } from './tspl.ts';

/**
 * TSPL jobs store each repeated text bitmap once (DOWNLOAD of a 1-bit BMP into DRAM, PUTBMP on
 * every label) and print the same dots as the inline BITMAP route.
 */

const template = DEFAULT_TEMPLATES.find((t) => t.id === 'gs1-logistic-4x6')!;

const SECOND: LabelData = {
  ...SAMPLE_LABEL_DATA,
  sscc: '369012340000001243',
  from: { ...SAMPLE_LABEL_DATA.from, name: '广州南沙冷链物流有限公司' },
  content: { ...SAMPLE_LABEL_DATA.content!, itemName: '速冻汤圆 黑芝麻 500g' },
};

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

function downloads(job: string): string[] {
  return [...job.matchAll(/DOWNLOAD "([^"]+)",(\d+),/g)].map((m) => m[1]!);
}

/** A bitmap from a pixel function (1 = black), packed as our Bitmap is. */
function bitmapOf(width: number, height: number, ink: (x: number, y: number) => boolean): Bitmap {
  const rowBytes = Math.ceil(width / 8);
  const data = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y += 1)
    for (let x = 0; x < width; x += 1) if (ink(x, y)) data[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
  return { rowBytes, width, height, data };
}

describe('TSPL stored text bitmaps', () => {
  it('a 1,000-label job downloads each repeated bitmap once, before the first label, and stays small', async () => {
    const data = Array.from({ length: 1000 }, (_, i) => ({
      ...SAMPLE_LABEL_DATA,
      sscc: makeSscc('0690123', 0, i + 1),
      unit: { kind: 'carton' as const, index: i + 1, count: 1000 },
    }));
    const stored = latin1(await renderLabels(template, data, 'tspl'));
    const inline = latin1(await renderLabels(template, data, 'tspl', { tsplTextMode: 'inline' }));
    // The inline route resends ~13.6 KB of bitmaps per label; stored needs well under 3 KB.
    expect(stored.length / 1000).toBeLessThan(3000);
    expect(inline.length / 1000).toBeGreaterThan(10_000);

    const names = downloads(stored);
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
    // DRAM (no F, prefix), 8.3 upper-case names, numbered in order of first use.
    expect(names).toEqual(names.map((_, i) => `T${String(i + 1).padStart(4, '0')}.BMP`));
    expect(stored).not.toMatch(/DOWNLOAD [FE],/);
    const lastDownload = stored.lastIndexOf('DOWNLOAD ');
    expect(lastDownload).toBeLessThan(stored.indexOf('SIZE '));
    expect(stored.indexOf('CLS')).toBeGreaterThan(lastDownload);
    // Every label recalls the stored bitmaps and carries no BITMAP of its own here.
    const labels = stored.split('SIZE ').slice(1);
    expect(labels).toHaveLength(1000);
    for (const label of [labels[0]!, labels[499]!, labels[999]!]) {
      expect(label.match(/PUTBMP \d+,\d+,"T\d{4}\.BMP"/g)).toHaveLength(names.length);
      expect(label).not.toContain('DOWNLOAD');
    }
    expect(inline).not.toMatch(/DOWNLOAD|PUTBMP/);
  });

  it('PUTBMP prints the same dots as the inline BITMAP, label by label', async () => {
    const cartons = [SAMPLE_LABEL_DATA, SECOND, SAMPLE_LABEL_DATA];
    const storedJob = await renderLabels(template, cartons, 'tspl', { tsplTextMode: 'stored' });
    const inlineJob = await renderLabels(template, cartons, 'tspl', { tsplTextMode: 'inline' });
    const stored = rasteriseTspl(storedJob, 203);
    const inline = rasteriseTspl(inlineJob, 203);
    expect(stored).toHaveLength(3);
    expect(inline).toHaveLength(3);
    const putbmps = stored.flatMap((r) => r.commands.filter((c) => c.startsWith('PUTBMP')));
    expect(putbmps.length).toBeGreaterThan(30);
    // Used once in the job (the second sender, its item): inline even in stored mode.
    expect(stored[1]!.commands.some((c) => c.startsWith('BITMAP'))).toBe(true);
    for (const [i, r] of stored.entries()) {
      expect(Buffer.from(r.ink).equals(Buffer.from(inline[i]!.ink))).toBe(true);
      // Not vacuous: the sender's name (x 3–50 mm, y 4–10 mm) has ink.
      let dark = 0;
      const width = Math.round((template.widthMm * 203) / 25.4);
      for (let y = 4 * 8; y < 10 * 8; y += 1) for (let x = 3 * 8; x < 50 * 8; x += 1) dark += r.ink[y * width + x]!;
      expect(dark).toBeGreaterThan(300);
    }
  });

  it('a one-label job has nothing to store: BITMAP only', async () => {
    const job = latin1(await renderLabels(template, [SAMPLE_LABEL_DATA], 'tspl'));
    expect(job).not.toMatch(/DOWNLOAD|PUTBMP/);
    expect(job).toContain('BITMAP ');
  });

  it(`stores at most ${TSPL_MAX_STORED_FILES} files (DRAM file limit), the biggest savings first; the rest stay inline`, async () => {
    const small = validateTemplate({
      id: 'names',
      name: 'Names',
      widthMm: 60,
      heightMm: 15,
      elements: [
        { id: 'title', kind: 'text', x: 2, y: 2, text: '发货方', size: { value: 3, unit: 'mm' } },
        { id: 'name', kind: 'text', x: 2, y: 7, text: '{from.name}', size: { value: 3, unit: 'mm' } },
      ],
    });
    // 45 senders, each on two cartons: 46 repeated bitmaps, the title the most used.
    const data = Array.from({ length: 45 }, (_, i) => {
      const d = { ...SAMPLE_LABEL_DATA, from: { ...SAMPLE_LABEL_DATA.from, name: `供应商${i + 1}号` } };
      return [d, d];
    }).flat();
    const storedJob = await renderLabels(small, data, 'tspl');
    const text = latin1(storedJob);
    const names = downloads(text);
    expect(names).toHaveLength(TSPL_MAX_STORED_FILES);
    // The title (90 uses) is stored, and is the first used.
    expect(text.split('SIZE ')[1]).toMatch(/^[^]*PUTBMP \d+,\d+,"T0001\.BMP"/);
    expect(text.match(/BITMAP /g)).toHaveLength((46 - TSPL_MAX_STORED_FILES) * 2);
    const stored = rasteriseTspl(storedJob, 203);
    const inline = rasteriseTspl(await renderLabels(small, data, 'tspl', { tsplTextMode: 'inline' }), 203);
    expect(stored).toHaveLength(90);
    for (const [i, r] of stored.entries()) expect(Buffer.from(r.ink).equals(Buffer.from(inline[i]!.ink))).toBe(true);
  });
});

describe('monochromeBmp', () => {
  const cases = [
    [13, 3],
    [32, 2],
    [33, 5],
    [8, 1],
  ] as const;
  it.each(cases)('%i × %i: header fields, bottom-up rows padded to 4 bytes, decodes back', (width, height) => {
    const ink = (x: number, y: number) => (x + 2 * y) % 3 === 0 || x === width - 1;
    const b = bitmapOf(width, height, ink);
    const bmp = Buffer.from(monochromeBmp(b, 300));
    const stride = Math.ceil(width / 32) * 4;
    expect(bmp.toString('latin1', 0, 2)).toBe('BM');
    expect(bmp.readUInt32LE(2)).toBe(bmp.length);
    expect(bmp.length).toBe(BMP_HEADER_BYTES + stride * height);
    expect(bmp.readUInt32LE(10)).toBe(BMP_HEADER_BYTES);
    expect(bmp.readUInt32LE(14)).toBe(40);
    expect(bmp.readInt32LE(18)).toBe(width);
    expect(bmp.readInt32LE(22)).toBe(height); // positive = bottom-up
    expect(bmp.readUInt16LE(26)).toBe(1);
    expect(bmp.readUInt16LE(28)).toBe(1);
    expect(bmp.readUInt32LE(30)).toBe(0);
    expect(bmp.readUInt32LE(34)).toBe(stride * height);
    expect(bmp.readInt32LE(38)).toBe(11811); // 300 dpi in pixels per metre
    expect(bmp.readUInt32LE(46)).toBe(2);
    // Palette: index 0 black, index 1 white (B, G, R, 0).
    expect([...bmp.subarray(54, 62)]).toEqual([0, 0, 0, 0, 255, 255, 255, 0]);
    // The first stored row is the bitmap's bottom row; a 0 bit is ink.
    const firstStored = bmp.subarray(BMP_HEADER_BYTES, BMP_HEADER_BYTES + stride);
    for (let x = 0; x < width; x += 1)
      expect(((firstStored[x >> 3]! >> (7 - (x & 7))) & 1) === 0).toBe(ink(x, height - 1));
    // Bits past the width and the padding bytes are white (1).
    for (let x = width; x < stride * 8; x += 1) expect((firstStored[x >> 3]! >> (7 - (x & 7))) & 1).toBe(1);

    const decoded = decodeBmp(bmp);
    expect(decoded).toMatchObject({ width, height, stride, bottomUp: true });
    const expected = new Uint8Array(width * height);
    for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) expected[y * width + x] = ink(x, y) ? 1 : 0;
    expect([...decoded.ink]).toEqual([...expected]);
  });

  it('the test interpreter refuses what a printer would: a non-1-bit BMP, a short DOWNLOAD, an unknown file', () => {
    const bmp = Buffer.from(monochromeBmp(bitmapOf(9, 2, () => true)));
    const deep = Buffer.from(bmp);
    deep.writeUInt16LE(24, 28);
    expect(() => decodeBmp(deep)).toThrow(/24 bits per pixel/);
    const job = (size: number, name = 'T0001.BMP') =>
      Buffer.concat([
        Buffer.from(`DOWNLOAD "T0001.BMP",${size},`, 'latin1'),
        bmp,
        Buffer.from(`\r\nSIZE 20 mm,10 mm\r\nCLS\r\nPUTBMP 8,8,"${name}"\r\nPRINT 1,1\r\n`, 'latin1'),
      ]);
    const ok = rasteriseTspl(job(bmp.length), 203);
    expect(ok[0]!.ink.reduce((a, v) => a + v, 0)).toBe(18);
    expect(() => rasteriseTspl(job(bmp.length - 4), 203)).toThrow(/not \d+ bytes followed by CRLF/);
    expect(() => rasteriseTspl(job(bmp.length, 'T0002.BMP'), 203)).toThrow(/never downloaded/);
  });
});
