import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes, type ReadResult } from 'zxing-wasm/reader';

/**
 * Test-side decoder: zxing-wasm with its .wasm loaded from node_modules (it would fetch it from
 * a CDN otherwise, and tests run offline). textMode 'Plain' keeps GS (ASCII 29) in GS1 data;
 * the symbology identifier (]C1, ]d2, ]Q3) is prefixed so parseGs1 sees what a scanner sends.
 */

let ready: Promise<unknown> | null = null;

function prepare(): Promise<unknown> {
  if (ready === null) {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('zxing-wasm/reader').replace(/dist[\\/].*$/, 'dist/reader/zxing_reader.wasm');
    const wasmBinary = readFileSync(wasmPath);
    ready = prepareZXingModule({
      overrides: {
        wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength),
      },
      fireImmediately: true,
    });
  }
  return ready;
}

export interface Decoded {
  format: string;
  /** Symbology identifier + text, as a scanner configured to send identifiers would type it. */
  scan: string;
  text: string;
  top: number;
}

/** Every barcode zxing finds in a PNG, top to bottom. */
export async function decodePng(png: Uint8Array): Promise<Decoded[]> {
  await prepare();
  const results: ReadResult[] = await readBarcodes(png, {
    textMode: 'Plain',
    formats: ['Code128', 'DataMatrix', 'QRCode'],
    tryHarder: true,
    maxNumberOfSymbols: 8,
  });
  return results
    .filter((r) => r.isValid)
    .map((r) => ({
      format: r.format,
      scan: r.symbologyIdentifier + r.text,
      text: r.text,
      top: Math.min(r.position.topLeft.y, r.position.topRight.y),
    }))
    .sort((a, b) => a.top - b.top);
}
