/**
 * What `huntforge deploy` deploys, gathered from its paths: alert rules and watchlists from ARM
 * templates, watchlists from `watchlists/*.csv` and `watchlist/*.csv` (as `huntforge generate`
 * writes them, SearchKey first), and STIX objects from bundles (`stix/*.json`, or named with --stix).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UsageError } from '../cli/command.js';
import { loadSentinelResources, type SentinelResources, type WatchlistDefinition } from './arm-template.js';
import { stixObjectsFrom } from './stix-upload.js';

export interface DeployInputs extends SentinelResources {
  stixObjects: Record<string, unknown>[];
  /** Bundles whose objects were collected (for messages). */
  stixFiles: string[];
  /** Objects left out because the upload API does not take their type. */
  skippedStix: number;
}

/** Object types the Sentinel STIX upload API accepts. */
const UPLOADABLE_STIX = new Set(['indicator', 'attack-pattern', 'threat-actor', 'identity', 'relationship']);

export async function collectDeployInputs(
  paths: string[],
  options: { stixFiles?: string[]; watchlistFiles?: string[]; includeStixFromDirs?: boolean } = {},
): Promise<DeployInputs> {
  const resources = await loadSentinelResources(paths);
  const watchlistFiles = [...(options.watchlistFiles ?? [])];
  const stixFiles = [...(options.stixFiles ?? [])];
  for (const path of paths) {
    if (!(await stat(path)).isDirectory()) continue;
    // `generate` writes watchlists/ (the aliases its rules query); the watchlist target writes watchlist/.
    watchlistFiles.push(...(await filesIn(join(path, 'watchlists'), '.csv')));
    watchlistFiles.push(...(await filesIn(join(path, 'watchlist'), '.csv')));
    if (options.includeStixFromDirs) stixFiles.push(...(await filesIn(join(path, 'stix'), '.json')));
  }
  for (const file of watchlistFiles) resources.watchlists.push(await watchlistFromCsv(file));

  const stixObjects: Record<string, unknown>[] = [];
  let skippedStix = 0;
  for (const file of stixFiles) {
    const objects = stixObjectsFrom(await readJson(file, '--stix'));
    if (!objects) throw new UsageError(`${file}: expected a STIX bundle or an array of STIX objects`);
    for (const o of objects) {
      if (UPLOADABLE_STIX.has(String(o?.type))) stixObjects.push(o);
      else skippedStix++;
    }
  }
  return { ...resources, stixObjects, stixFiles, skippedStix };
}

/** A watchlist from a CSV whose first column is the search key; the alias is the file name. */
export async function watchlistFromCsv(file: string): Promise<WatchlistDefinition> {
  let rawContent: string;
  try {
    rawContent = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`${file}: cannot read the watchlist CSV`);
  }
  const header = rawContent.split(/\r?\n/, 1)[0] ?? '';
  const searchKey = header.split(',')[0]?.replace(/^"|"$/g, '').trim();
  if (!searchKey) throw new UsageError(`${file}: the watchlist CSV has no header`);
  const alias = watchlistAlias(basename(file).replace(/\.csv$/i, ''));
  return {
    alias,
    origin: file,
    properties: {
      displayName: alias,
      description: `IOC watchlist deployed by huntforge from ${basename(file)}`,
      provider: 'huntforge',
      source: basename(file),
      itemsSearchKey: searchKey,
      rawContent,
      contentType: 'text/csv',
      numberOfLinesToSkip: 0,
    },
  };
}

/** Sentinel aliases: 3–64 characters, starting and ending with a letter or digit. */
function watchlistAlias(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
    .slice(0, 64);
  return cleaned.length >= 3 ? cleaned : `huntforge-${cleaned || 'iocs'}`;
}

async function filesIn(dir: string, ext: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((n) => n.endsWith(ext))
      .sort()
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

async function readJson(file: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`${flag} ${file}: no such file`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} ${file}: not valid JSON`);
  }
}
