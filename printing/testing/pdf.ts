import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Test-side PDF → PNG per page through poppler's pdftoppm (Debian poppler-utils). */
export async function pdfToPngs(pdf: Uint8Array, dpi = 300): Promise<Buffer[]> {
  const dir = await mkdtemp(join(tmpdir(), 'oms-pdf-'));
  try {
    await writeFile(join(dir, 'label.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), '-png', join(dir, 'label.pdf'), join(dir, 'page')]);
    const pages = (await readdir(dir)).filter((f) => f.startsWith('page')).sort();
    return Promise.all(pages.map((p) => readFile(join(dir, p))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text layer, as a PDF reader would copy it (pdftotext). */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oms-pdf-'));
  try {
    await writeFile(join(dir, 'label.pdf'), pdf);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'label.pdf'), '-']);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
