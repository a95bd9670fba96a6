/** Locations of files shipped with the package, valid both from src/ (tsx) and dist/ (compiled). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function dataPath(...parts: string[]): string {
  return join(packageRoot, 'data', ...parts);
}
