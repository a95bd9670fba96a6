/** Expands the paths given to ingestion (files and folders, recursively) into files with their sizes. */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserFacingError } from '../../cli/command.js';

export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export async function discoverFiles(paths: string[]): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UserFacingError(`${given}: no such file or folder`);
    if (info.isDirectory()) await walk(path, out, seen);
    else add(out, seen, path, info.size, info.mtimeMs);
  }
  return out;
}

async function walk(dir: string, out: FoundFile[], seen: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    // dotfiles in a log folder (.DS_Store, .gitkeep) are not logs
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out, seen);
    else if (entry.isFile()) {
      const info = await stat(path);
      add(out, seen, path, info.size, info.mtimeMs);
    }
  }
}

function add(out: FoundFile[], seen: Set<string>, path: string, size: number, mtimeMs: number): void {
  if (seen.has(path)) return;
  seen.add(path);
  out.push({ path, size, mtimeMs });
}
