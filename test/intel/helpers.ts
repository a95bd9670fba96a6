import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Indicator } from '../../src/intel/types.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixture = (name: string) => join(repoRoot, 'test', 'fixtures', 'intel', name);
export const seedPath = join(repoRoot, '..', 'shared', 'seed', 'nanocore-rat-sentinel-hunt.txt');

/** `type value[:port]` keys, the compact way to compare what a reader produced. */
export const keys = (indicators: Indicator[]) =>
  indicators.map((i) => `${i.type} ${i.value}${i.port === null ? '' : `:${i.port}`}`).sort();

export function find(indicators: Indicator[], value: string, port: number | null = null): Indicator {
  const hit = indicators.find((i) => i.value === value && i.port === port);
  if (!hit)
    throw new Error(
      `no indicator ${value}${port === null ? '' : `:${port}`} in ${keys(indicators).join(', ')}`,
    );
  return hit;
}
