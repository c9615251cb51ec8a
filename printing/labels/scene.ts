import type { LabelData } from '../../core/labels/data.ts';
import {
  layoutLabel,
  type BoxPrimitive,
  type ImagePrimitive,
  type RulePrimitive,
  type TextLine,
} from '../../core/labels/layout.ts';
import type { LabelTemplate } from '../../core/labels/template.ts';
import { placeBarcode, type PlacedBarcode } from './barcodes.ts';

/** One label ready to draw: the layout with its barcodes placed in dots (HRI included in `texts`). */
export interface LabelScene {
  texts: TextLine[];
  barcodes: (PlacedBarcode & { bars: number[] | null })[];
  rules: RulePrimitive[];
  boxes: BoxPrimitive[];
  images: ImagePrimitive[];
}

export function buildScene(
  template: LabelTemplate,
  data: LabelData,
  dpi: number,
  bars: boolean,
  returnToC = true,
): LabelScene {
  const scene: LabelScene = { texts: [], barcodes: [], rules: [], boxes: [], images: [] };
  for (const p of layoutLabel(template, data)) {
    if (p.kind === 'text') scene.texts.push(p);
    else if (p.kind === 'barcode') {
      const placed = placeBarcode(p, { dpi, bars, returnToC });
      scene.barcodes.push(placed);
      scene.texts.push(...placed.hri);
    } else if (p.kind === 'rule') scene.rules.push(p);
    else if (p.kind === 'box') scene.boxes.push(p);
    else scene.images.push(p);
  }
  return scene;
}
