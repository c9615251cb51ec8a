import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGs1 } from '../../core/gs1/parse.ts';
import { DEFAULT_TEMPLATES } from '../../core/labels/defaults.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import type { LabelTemplateInput } from '../../core/labels/template.ts';
import { decodePng } from '../../printing/testing/zxing.ts';
import { createAppHost, type AppHost } from './host.ts';

/**
 * The editor's preview channel through the real desktop host (channel input parsing, the
 * template validation, the real SVG/PNG renderer), as the renderer calls it.
 */
describe("'labels.preview' (desktop host on a real SQLite file)", () => {
  let dir: string;
  let host: AppHost;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oms-labels-'));
    host = await createAppHost({ dataDir: dir, serverUrl: null, shell: 'web', seedDemoData: false });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fourBySix = DEFAULT_TEMPLATES.find((t) => t.id === 'gs1-logistic-4x6')!;
  const small = (elements: LabelTemplateInput['elements']): LabelTemplateInput => ({
    id: 'small',
    name: 'Small',
    widthMm: 60,
    heightMm: 40,
    elements,
  });

  async function preview(input: unknown) {
    return host.handle('labels.preview', input);
  }

  it('renders an unsaved template as SVG with the sample data when none is given', async () => {
    const result = await preview({
      template: small([
        {
          id: 't',
          kind: 'text',
          x: 2,
          y: 2,
          text: 'ASN {asnNumber} · {unit.index}/{unit.count}',
          size: { value: 3, unit: 'mm' },
        },
      ]),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const out = result.data as { format: string; content: string };
    expect(out.format).toBe('svg');
    expect(out.content).toMatch(/^<svg [^>]*viewBox="0 0 60 40"/);
    expect(out.content).toContain(`ASN ${SAMPLE_LABEL_DATA.asnNumber} · 2/5`);
  });

  it('uses the LabelData it is given instead of the sample', async () => {
    const data = { ...SAMPLE_LABEL_DATA, asnNumber: 'ASN-999001', unit: { kind: 'pallet', index: 1, count: 1 } };
    const result = await preview({
      template: small([
        { id: 't', kind: 'text', x: 2, y: 2, text: '{asnNumber} {unit.kind}', size: { value: 3, unit: 'mm' } },
      ]),
      data,
    });
    expect(result.ok && (result.data as { content: string }).content).toContain('ASN-999001 pallet');
  });

  it('renders the built-in 4×6 label as a base64 PNG at the label dpi whose barcodes decode to the sample data', async () => {
    const result = await preview({ template: fourBySix, format: 'png' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const out = result.data as { format: string; content: string };
    expect(out.format).toBe('png');
    const bytes = Buffer.from(out.content, 'base64');
    const png = PNG.sync.read(bytes);
    // One pixel per printer dot: 101.6 mm at 203 dpi.
    expect(png.width).toBe(Math.round((fourBySix.widthMm / 25.4) * fourBySix.dpi));
    const decoded = await decodePng(bytes);
    const sscc = decoded.map((d) => parseGs1(d.scan)).find((m) => m.elements.some((e) => e.ai === '00'));
    expect(sscc?.elements.find((e) => e.ai === '00')?.raw).toBe(SAMPLE_LABEL_DATA.sscc);
  }, 30_000);

  it('refuses a template outside its label with label.invalid-template and the element as the field', async () => {
    const result = await preview({
      template: small([
        { id: 'b', kind: 'box', x: 50, y: 2, widthMm: 20, heightMm: 5 },
        { id: 'b', kind: 'line', x: 1, y: 1, x2: 10, y2: 1 },
      ]),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('label.invalid-template');
    expect(result.error.details?.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'elements.0', code: 'label-outside' }),
        expect.objectContaining({ path: 'elements.1.id', code: 'label-duplicate-id' }),
      ]),
    );
  });

  it('refuses a template of the wrong shape with field issues, not a crash', async () => {
    const result = await preview({ template: { ...small([]), widthMm: 'wide', dpi: 600 } });
    expect(result).toMatchObject({ ok: false, error: { code: 'label.invalid-template' } });
    if (result.ok) return;
    const paths = (result.error.details?.fields ?? []).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['widthMm', 'dpi']));
  });

  it('refuses a binding to a field LabelData does not have with label.unknown-field', async () => {
    const result = await preview({
      template: small([{ id: 't', kind: 'text', x: 2, y: 2, text: '{from.nmae}', size: { value: 3, unit: 'mm' } }]),
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'label.unknown-field', details: { field: 'from.nmae' } },
    });
  });

  it('refuses data that makes no valid barcode with label.barcode-invalid', async () => {
    // AI 01 is a 14-digit GTIN; the ASN number cannot be one.
    const result = await preview({
      template: small([
        {
          id: 'bc',
          kind: 'barcode',
          x: 2,
          y: 2,
          symbology: 'gs1-128',
          gs1: [{ ai: '01', field: 'asnNumber' }],
          targetWidthMm: 50,
        },
      ]),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'label.barcode-invalid' } });
  });

  it('refuses data that is not LabelData and a format it does not preview', async () => {
    const bad = await preview({ template: fourBySix, data: { ...SAMPLE_LABEL_DATA, sscc: '123' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation.invalid-input' } });
    const zpl = await preview({ template: fourBySix, format: 'zpl' });
    expect(zpl).toMatchObject({ ok: false, error: { code: 'validation.invalid-input' } });
  });
});
