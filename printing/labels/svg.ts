import { Resvg } from '@resvg/resvg-js';
import type { LabelData } from '../../core/labels/data.ts';
import type { TextLine } from '../../core/labels/layout.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { CJK_FAMILY, cjkFonts } from '../fonts/cjk.ts';
import { barcodeRects, dotsPerMm } from './barcodes.ts';
import { effectiveBold, escapeXml } from './bitmap.ts';
import { buildScene } from './scene.ts';

/**
 * SVG for the template editor's live preview (built in the main process, returned as a string)
 * and the source of the PNG preview. User units are millimetres; barcodes sit on the same
 * whole-dot grid as the thermal outputs at `dpi`.
 */

const n = (v: number) => String(Math.round(v * 10000) / 10000);

function text(line: TextLine): string {
  const bold = effectiveBold(line);
  let x = line.x;
  let anchor = '';
  if (line.width !== null && line.align !== 'left') {
    x = line.align === 'center' ? line.x + line.width / 2 : line.x + line.width;
    anchor = ` text-anchor="${line.align === 'center' ? 'middle' : 'end'}"`;
  }
  return (
    `<text x="${n(x)}" y="${n(line.baseline)}" font-size="${n(line.sizeMm)}"${bold ? ' font-weight="700"' : ''}${anchor}>` +
    `${escapeXml(line.text)}</text>`
  );
}

export function svgLabel(template: LabelTemplate, data: LabelData, dpi: number): string {
  const dpmm = dotsPerMm(dpi);
  const scene = buildScene(template, data, dpi, true);
  const w = template.widthMm;
  const h = template.heightMm;
  let path = '';
  const rect = (x: number, y: number, rw: number, rh: number) => {
    path += `M${n(x)} ${n(y)}h${n(rw)}v${n(rh)}h${n(-rw)}z`;
  };
  for (const r of scene.rules) rect(r.x, r.y, r.widthMm, r.heightMm);
  for (const b of scene.barcodes) for (const r of barcodeRects(b)) rect(r.x / dpmm, r.y / dpmm, r.w / dpmm, r.h / dpmm);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${n(w)}mm" height="${n(h)}mm" viewBox="0 0 ${n(w)} ${n(h)}">`,
    `<rect width="${n(w)}" height="${n(h)}" fill="#fff"/>`,
  ];
  if (path !== '') parts.push(`<path d="${path}" fill="#000" shape-rendering="crispEdges"/>`);
  for (const b of scene.boxes) {
    const t = b.thicknessMm;
    parts.push(
      b.filled
        ? `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.widthMm)}" height="${n(b.heightMm)}" fill="#000"/>`
        : `<rect x="${n(b.x + t / 2)}" y="${n(b.y + t / 2)}" width="${n(b.widthMm - t)}" height="${n(b.heightMm - t)}" fill="none" stroke="#000" stroke-width="${n(t)}"/>`,
    );
  }
  for (const img of scene.images)
    parts.push(
      `<image x="${n(img.x)}" y="${n(img.y)}" width="${n(img.widthMm)}" height="${n(img.heightMm)}" preserveAspectRatio="none" xlink:href="data:image/png;base64,${img.png}"/>`,
    );
  parts.push(
    `<g font-family="'${CJK_FAMILY}', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif" fill="#000">`,
  );
  for (const t of scene.texts) parts.push(text(t));
  parts.push('</g></svg>');
  return parts.join('');
}

/** PNG at the label's dpi (one pixel per printer dot), drawn by resvg with the bundled font. */
export function pngFromSvg(svg: string, widthMm: number, dpi: number): Uint8Array {
  const fonts = cjkFonts();
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.round(widthMm * dotsPerMm(dpi)) },
    font: { fontFiles: [fonts.regularPath, fonts.boldPath], loadSystemFonts: false, defaultFontFamily: CJK_FAMILY },
    background: '#fff',
  })
    .render()
    .asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
