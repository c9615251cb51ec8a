import { AppError } from '../../core/errors.ts';
import { labelData, type LabelData } from '../../core/labels/data.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { toFieldIssues } from '../../core/validation.ts';
import { CJK_FAMILY, cjkFonts } from '../fonts/cjk.ts';
import { svgLabel } from './svg.ts';

/**
 * Labels for an OS printer (Electron silent printing): an HTML document with one inline SVG per
 * label, each on its own page of exactly the label's size. Not PDF: Chromium prints a PDF
 * through its viewer plugin, which prints blank pages when silent.
 *
 * The SVG sets text in the bundled CJK font by family name, so the document must carry that
 * font or the OS substitutes its own (other metrics, or boxes for hanzi). The font faces are
 * large (~6 MB as data: URLs), so a queued job stores the document with a marker instead and
 * embedLabelFonts fills it in right before printing.
 */

const FONTS_MARKER = '<!--oms:label-fonts-->';

/**
 * The print document can neither run script nor load anything: only its own inline styles,
 * data: fonts and data: images (template images are embedded PNGs).
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:";

const n = (v: number) => String(Math.round(v * 10000) / 10000);

export interface HtmlOptions {
  /** Barcode grid; defaults to the template's. */
  dpi?: 203 | 300;
  /** Leave the font marker for embedLabelFonts (the print queue); default true. */
  embedFonts?: boolean;
}

export function renderLabelsHtml(
  template: LabelTemplate,
  data: readonly LabelData[],
  options: HtmlOptions = {},
): string {
  const dpi = options.dpi ?? template.dpi;
  if (data.length === 0) throw new AppError('validation.invalid-input', 'No label data to render', { fields: [] });
  data.forEach((d, i) => {
    const parsed = labelData.safeParse(d);
    if (!parsed.success)
      throw new AppError('validation.invalid-input', `Label data item ${i} is not valid`, {
        fields: toFieldIssues(parsed.error).map((f) => ({ ...f, path: `${i}.${f.path}` })),
      });
  });
  const w = `${n(template.widthMm)}mm`;
  const h = `${n(template.heightMm)}mm`;
  const pages = data.map((d) => `<div class="label">${svgLabel(template, d, dpi)}</div>`);
  const html = [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<title>labels</title>',
    FONTS_MARKER,
    '<style>',
    `@page { size: ${w} ${h}; margin: 0 } `,
    'html,body{margin:0;padding:0} ',
    `.label{width:${w};height:${h};page-break-after:always;break-after:page;overflow:hidden} `,
    // A forced break after the last label would feed one blank label.
    '.label:last-child{page-break-after:auto;break-after:auto} ',
    '.label>svg{display:block;width:100%;height:100%}',
    '</style></head><body>',
    ...pages,
    '</body></html>',
  ].join('');
  return options.embedFonts === false ? html : embedLabelFonts(html);
}

let faces: { source: Buffer; regular: string; bold: string } | null = null;

function fontFace(base64: string, weight: number): string {
  return (
    `@font-face{font-family:'${CJK_FAMILY}';font-style:normal;font-weight:${weight};` +
    `src:url(data:font/otf;base64,${base64}) format('opentype')}`
  );
}

/**
 * Replaces the marker with the bundled font faces (the bold one only when a line is bold).
 * A document without the marker is returned as it is.
 */
export function embedLabelFonts(html: string): string {
  const at = html.indexOf(FONTS_MARKER);
  if (at < 0) return html;
  const fonts = cjkFonts();
  // Encoded once per font directory (a packaged app moves it once, at start).
  if (faces?.source !== fonts.regular)
    faces = { source: fonts.regular, regular: fonts.regular.toString('base64'), bold: fonts.bold.toString('base64') };
  const style =
    '<style>' +
    fontFace(faces.regular, 400) +
    (html.includes('font-weight="700"') ? fontFace(faces.bold, 700) : '') +
    '</style>';
  return html.slice(0, at) + style + html.slice(at + FONTS_MARKER.length);
}
