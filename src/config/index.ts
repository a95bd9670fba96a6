/**
 * The user's tuning file, huntforge.yaml: exclusions applied to every hunt they concern, named
 * value lists that shipped exclusions draw on (resolver IPs, known MSI packages, …), and settings
 * for other commands. Found in the working directory, or given with --config FILE.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { Node } from 'yaml';
import { type ConditionTemplate, resolveTemplate, type ValueLists } from '../hunts/conditions.js';
import type { Exclusion } from '../hunts/types.js';
import { yamlPackage } from '../packages/yaml.js';
import { checkValue, parseExclusion } from './condition.js';
import { addListUsage, type ListUsage, shippedListUsage } from './lists.js';
import { join as joinPath, YamlSource } from './yaml.js';

export const CONFIG_FILE_NAME = 'huntforge.yaml';
export const CONFIG_KEYS = ['exclusions', 'lists', 'threatfox', 'lookback'] as const;
const THREATFOX_KEYS = ['authKey'] as const;
const LIST_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** A KQL-style lookback window: 30m, 12h, 14d. */
const LOOKBACK = /^[1-9][0-9]*[mhd]$/;

export interface HuntforgeConfig {
  /** The file as named in messages (relative to the working directory when inside it). */
  path: string;
  exclusions: Exclusion[];
  /** Named lists that shipped exclusions refer to with `{ list: name }`. */
  lists: ValueLists;
  threatfox?: { authKey?: string };
  /** Default lookback for generated hunts, e.g. `14d`. */
  lookback?: string;
}

export { YamlFileError as ConfigError } from './yaml.js';

/**
 * Reads `path` (--config), or huntforge.yaml in `cwd` when no path is given. Null when no path is
 * given and the working directory has no huntforge.yaml; throws ConfigError (every problem with
 * file:line) when the file is invalid, and a plain error when --config names a missing file.
 */
export async function loadConfig(
  path?: string,
  cwd: string = process.cwd(),
): Promise<HuntforgeConfig | null> {
  const file = path === undefined ? join(cwd, CONFIG_FILE_NAME) : isAbsolute(path) ? path : join(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (path === undefined) return null;
      throw new Error(`${path}: config file not found`);
    }
    throw new Error(`${path ?? CONFIG_FILE_NAME}: cannot read config file: ${(error as Error).message}`);
  }
  const rel = relative(cwd, file);
  const label = rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  return parseConfig(text, label);
}

/** Parses huntforge.yaml text; `label` names the file in messages. */
export function parseConfig(text: string, label: string = CONFIG_FILE_NAME): HuntforgeConfig {
  const src = new YamlSource(label, text);
  const config: HuntforgeConfig = { path: label, exclusions: [], lists: {} };
  if (src.root === null || (src.root as { value?: unknown }).value === null) {
    src.assertValid(); // an empty file is a valid, empty config
    return config;
  }
  const entries = src.mapping(src.root, '', CONFIG_KEYS, `a mapping with keys ${CONFIG_KEYS.join(', ')}`);
  if (!entries) src.assertValid();

  const listNodes = new Map<string, { key: Node; value: Node }>();
  const lists = entries?.get('lists');
  if (lists) {
    if (!yamlPackage().isMap(lists.value))
      src.report(lists.value, 'lists', 'expected a mapping of list name to a list of strings');
    for (const [name, { key, value }] of src.peek(lists.value)) {
      if (!LIST_NAME.test(name)) {
        src.report(
          key,
          joinPath('lists', name),
          'a list name is letters, digits, _ and - (starting with a letter)',
        );
        continue;
      }
      const values = src.stringList(value, joinPath('lists', name));
      if (values) {
        config.lists[name] = values;
        listNodes.set(name, { key, value });
      }
    }
  }
  // what reads each list: shipped profiles and scenarios, then the user's own exclusions
  const usage: ListUsage = new Map(
    [...shippedListUsage()].map(([name, ops]) => [name, new Set(ops)] as const),
  );

  const exclusions = entries?.get('exclusions');
  if (exclusions) {
    const items = src.sequence(exclusions.value, 'exclusions', 'a list of exclusions');
    const seen = new Map<string, number>();
    items?.forEach((item, i) => {
      const path = joinPath('exclusions', i);
      const parsed = parseExclusion(src, item, path, {
        lists: { allowed: true, names: Object.keys(config.lists) },
      });
      if (!parsed) return;
      const earlier = seen.get(parsed.id);
      if (earlier !== undefined) {
        src.report(item, joinPath(path, 'id'), `duplicate id '${parsed.id}' (first used on line ${earlier})`);
        return;
      }
      seen.set(parsed.id, parsed.line);
      addListUsage(usage, parsed.condition);
      const condition = resolveTemplate(parsed.condition as ConditionTemplate, config.lists);
      if (!condition) {
        src.report(item, path, 'the lists it refers to are empty, so it would exclude nothing');
        return;
      }
      config.exclusions.push({
        id: parsed.id,
        reason: parsed.reason,
        scope: parsed.scope,
        condition,
        origin: `${label}:${parsed.line}`,
      });
    });
  }

  checkLists(src, listNodes, usage);

  const threatfox = entries?.get('threatfox');
  if (threatfox) {
    const tf = src.mapping(threatfox.value, 'threatfox', THREATFOX_KEYS);
    const authKey = tf?.get('authKey');
    config.threatfox = {};
    if (authKey) {
      const value = src.string(authKey.value, 'threatfox.authKey');
      if (value !== undefined) config.threatfox.authKey = value;
    }
  }

  const lookback = entries?.get('lookback');
  if (lookback) {
    const value = src.string(lookback.value, 'lookback');
    if (value !== undefined && !LOOKBACK.test(value)) {
      src.report(
        lookback.value,
        'lookback',
        `'${value}' is not a lookback window (allowed: a number with m, h or d, e.g. 14d)`,
      );
    } else if (value !== undefined) config.lookback = value;
  }

  src.assertValid();
  return config;
}

/** Every list must be read by something, and its values must suit the operators reading it. */
function checkLists(src: YamlSource, lists: Map<string, { key: Node; value: Node }>, usage: ListUsage): void {
  for (const [name, { key, value }] of lists) {
    const operators = usage.get(name);
    if (!operators) {
      const known = [...usage.keys()].sort().join(', ');
      src.report(
        key,
        joinPath('lists', name),
        `no exclusion reads this list (lists huntforge reads: ${known})`,
      );
      continue;
    }
    const items = (value as { items: Node[] }).items;
    items.forEach((item, i) => {
      const text = String((item as { value: unknown }).value);
      for (const operator of operators) {
        const problem = checkValue(operator, text);
        if (typeof problem === 'string') {
          src.report(
            item,
            joinPath(joinPath('lists', name), i),
            `${problem} (the list is read with ${operator})`,
          );
        }
      }
    });
  }
}
