/** Reads warninglist files from a folder (the bundled `data/warninglists/` by default). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath } from '../../paths.js';
import { validateWarninglist, type Warninglist } from './schema.js';

export function bundledWarninglistDir(): string {
  return dataPath('warninglists');
}

/** Every `*.json` list in `dir`, sorted by file name. A malformed file is an error naming it. */
export function loadWarninglists(dir: string = bundledWarninglistDir()): Warninglist[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return files.map((file) => readWarninglist(join(dir, file)));
}

export function readWarninglist(path: string): Warninglist {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`warninglist ${path}: ${(error as Error).message}`);
  }
  const problems = validateWarninglist(data);
  if (problems.length > 0) throw new Error(`warninglist ${path}: ${problems.join('; ')}`);
  return data as Warninglist;
}
