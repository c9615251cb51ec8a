import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { AppError } from '../../core/errors.ts';

/**
 * The bundled CJK font (Noto Sans CJK SC subset, SIL OFL 1.1; rebuilt by
 * scripts/make-cjk-font.py). The regular weight covers all of GB2312; the bold weight only its
 * 3,755 level-1 hanzi, so a bold line with a rarer hanzi is set in the regular weight instead
 * of printing an empty box.
 */
export const CJK_FAMILY = 'Noto Sans CJK SC';
export const CJK_REGULAR_FILE = 'NotoSansCJKsc-Regular-subset.otf';
export const CJK_BOLD_FILE = 'NotoSansCJKsc-Bold-subset.otf';

let fontDir: string | null = process.env['OMS_FONT_DIR'] ?? null;

/** Where the font files are; a packaged app points this at its resources directory. */
export function setFontDirectory(dir: string): void {
  fontDir = dir;
  loaded = null;
}

function directory(): string {
  if (fontDir !== null) return fontDir;
  return dirname(fileURLToPath(import.meta.url));
}

let loaded: { regular: Buffer; bold: Buffer; regularPath: string; boldPath: string } | null = null;

export function cjkFonts(): { regular: Buffer; bold: Buffer; regularPath: string; boldPath: string } {
  if (loaded) return loaded;
  const regularPath = join(directory(), CJK_REGULAR_FILE);
  const boldPath = join(directory(), CJK_BOLD_FILE);
  if (!existsSync(regularPath) || !existsSync(boldPath))
    throw new AppError('label.font-unavailable', `The label font is missing in ${directory()}`, {
      directory: directory(),
    });
  loaded = { regular: readFileSync(regularPath), bold: readFileSync(boldPath), regularPath, boldPath };
  return loaded;
}

/** True when every hanzi of the text is a GB2312 level-1 character (rows 0xB0–0xD7). */
export function boldCovers(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x4e00 || c > 0x9fff) continue;
    const bytes = iconv.encode(ch, 'gb2312');
    if (bytes.length !== 2 || bytes[0]! < 0xb0 || bytes[0]! > 0xd7) return false;
  }
  return true;
}
