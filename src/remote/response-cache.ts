/** A small on-disk cache of service replies, one JSON file per request key, with a time-to-live. */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CacheEntry<T> {
  storedAt: number;
  value: T;
}

/** `$HUNTFORGE_CACHE_DIR`, else `$XDG_CACHE_HOME/huntforge`, else `~/.cache/huntforge`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HUNTFORGE_CACHE_DIR) return env.HUNTFORGE_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huntforge');
}

export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

export async function readCache<T>(
  dir: string,
  key: string,
  ttlMs: number,
  now = Date.now(),
): Promise<T | undefined> {
  try {
    const entry = JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as CacheEntry<T>;
    if (typeof entry.storedAt !== 'number' || now - entry.storedAt > ttlMs || now < entry.storedAt)
      return undefined;
    return entry.value;
  } catch {
    return undefined; // missing or unreadable entries are simply misses
  }
}

/** Written to a temporary name and renamed, so a concurrent reader never sees half a file. */
export async function writeCache<T>(dir: string, key: string, value: T, now = Date.now()): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${key}.json`);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ storedAt: now, value } satisfies CacheEntry<T>));
  await rename(tmp, path);
}
