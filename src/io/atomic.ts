/** Output files are written to a temporary name and renamed, so a crash never leaves half a file. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { nodeResourceError } from './resource-errors.js';

export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    // a full disk is the user's to fix, not a crash; the file keeps its previous content (or stays absent)
    throw nodeResourceError(err, `writing ${path} (left unchanged)`) ?? err;
  }
}
