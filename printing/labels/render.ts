import { AppError } from '../../core/errors.ts';
import { labelData, type LabelData } from '../../core/labels/data.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { toFieldIssues } from '../../core/validation.ts';
import { renderPdf } from './pdf.ts';
import { pngFromSvg, svgLabel } from './svg.ts';
import { renderTspl, type TsplOptions } from './tspl.ts';
import { renderZpl } from './zpl.ts';

export type LabelFormat = 'zpl' | 'tspl' | 'pdf' | 'svg' | 'png';
export const LABEL_FORMATS: readonly LabelFormat[] = ['zpl', 'tspl', 'pdf', 'svg', 'png'];

export interface RenderOptions extends TsplOptions {
  /** Printer resolution; defaults to the template's. Barcode modules are whole dots at it. */
  dpi?: 203 | 300;
}

/**
 * Renders labels from a validated template (validateTemplate in core/labels/bind.ts):
 * zpl/tspl = one job with one label per data item; pdf = one page per label; svg/png = the
 * first label. Throws label.barcode-invalid when a carton's data does not make a valid barcode
 * and validation.invalid-input when a data item is not LabelData.
 */
export async function renderLabels(
  template: LabelTemplate,
  data: readonly LabelData[],
  format: LabelFormat,
  options: RenderOptions = {},
): Promise<Uint8Array> {
  const dpi = options.dpi ?? template.dpi;
  if (data.length === 0) throw new AppError('validation.invalid-input', 'No label data to render', { fields: [] });
  data.forEach((d, i) => {
    const parsed = labelData.safeParse(d);
    if (!parsed.success)
      throw new AppError('validation.invalid-input', `Label data item ${i} is not valid`, {
        fields: toFieldIssues(parsed.error).map((f) => ({ ...f, path: `${i}.${f.path}` })),
      });
  });
  switch (format) {
    case 'zpl':
      return renderZpl(template, data, dpi);
    case 'tspl':
      return renderTspl(template, data, dpi, options);
    case 'pdf':
      return renderPdf(template, data, dpi);
    case 'svg':
      return new TextEncoder().encode(svgLabel(template, data[0]!, dpi));
    case 'png':
      return pngFromSvg(svgLabel(template, data[0]!, dpi), template.widthMm, dpi);
  }
}

/** The editor's live preview: SVG text of one label. */
export function renderLabelSvg(template: LabelTemplate, data: LabelData, options: { dpi?: 203 | 300 } = {}): string {
  return svgLabel(template, data, options.dpi ?? template.dpi);
}
