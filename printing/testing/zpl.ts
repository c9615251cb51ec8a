import { ready } from 'zpl-renderer-js';

/**
 * Test-side ZPL → PNG through zpl-renderer-js (a WASM build of the zebrash renderer), so a test
 * can decode what a Zebra would print. Its fonts have no CJK: Chinese reaches it as ^GF bitmaps.
 */
export async function zplToPngs(zpl: string, widthMm: number, heightMm: number, dpi: number): Promise<Buffer[]> {
  const { api } = await ready;
  const labels = await api.zplToBase64MultipleAsync(zpl, widthMm, heightMm, Math.round(dpi / 25.4));
  return labels.map((b64) => Buffer.from(b64, 'base64'));
}
