import { randomUUID } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../core/errors.ts';

/** File-system errors retrying cannot cure (a missing folder may be an unplugged drive: retry). */
const PERMANENT = new Set(['EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG']);

const safeName = (name: string): string =>
  name
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100) || 'label';

/**
 * Writes the job to a file. When `path` is an existing directory each job becomes its own
 * `<name>.pdf` there; otherwise the file is replaced. Written beside and renamed, so a reader
 * never sees half a PDF. Returns the path written.
 */
export async function writePdfFile(path: string, bytes: Uint8Array, options: { name?: string } = {}): Promise<string> {
  const target = `pdf:${path}`;
  let file = path;
  try {
    const s = await stat(path).catch(() => null);
    if (s?.isDirectory()) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      file = join(path, `${safeName(options.name ?? 'label')}-${stamp}.pdf`);
    }
    const tmp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    return file;
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    throw new AppError('print.unreachable', `Cannot write ${file}: ${errno}`, {
      target,
      errno,
      permanent: PERMANENT.has(errno),
    });
  }
}
