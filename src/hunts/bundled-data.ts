/**
 * Data parsed from the YAML files shipped in data/ (family profiles, IOC scenarios), also kept as
 * JSON beside the compiled code: `npm run build` writes it (scripts/compile-data.mjs). Parsing the
 * YAML costs ~100 ms of a short run, on a YAML parser V8 has not compiled yet; reading the JSON
 * costs ~1 ms. The JSON carries a hash of the files it was parsed from, so files edited after the
 * build are parsed again; run from src/ (tsx) there is no JSON and the files are always parsed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../paths.js';

export interface BundledFile {
  path: string;
  text: string;
}

/** A data set made from bundled files. */
export interface BundledData<T> {
  /** Names the JSON file. */
  name: string;
  /** The files, in the order `parse` takes them. */
  files(): string[];
  parse(files: BundledFile[]): T;
}

const COMPILED_DIR = join(dirname(fileURLToPath(import.meta.url)), 'bundled-data');

/** The data, from its compiled JSON (in `dir`) when that was made from these very files, else parsed. */
export function loadBundled<T>(data: BundledData<T>, dir = COMPILED_DIR): T {
  const files = readAll(data);
  const compiled = readCompiled(join(dir, `${data.name}.json`));
  if (compiled && compiled.key === keyOf(files)) return compiled.value as T;
  return data.parse(files);
}

/** Parses the data and writes its JSON into `dir` (the build step); returns the JSON's path. */
export function compileBundled<T>(data: BundledData<T>, dir = COMPILED_DIR): string {
  const files = readAll(data);
  const path = join(dir, `${data.name}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify({ key: keyOf(files), value: data.parse(files) }));
  renameSync(`${path}.tmp`, path);
  return path;
}

function readAll<T>(data: BundledData<T>): BundledFile[] {
  return data.files().map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

function readCompiled(path: string): { key: string; value: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Names (relative to the package) and contents: a renamed, added or edited file changes it. */
function keyOf(files: BundledFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${relative(packageRoot, file.path)}\0${file.text}\0`);
  return hash.digest('hex');
}
