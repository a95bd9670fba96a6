/**
 * Reads the Sentinel resources huntforge deploys from ARM templates (the `sentinel/arm/*.json`
 * that `huntforge generate` writes, or Azure-Sentinel-style templates): Scheduled/NRT alert rules
 * and watchlists, each with the stable id from its resource name.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, UserFacingError } from '../cli/command.js';
import { type ArmContext, evaluateArmValue } from './arm-expression.js';

export interface AlertRuleDefinition {
  ruleId: string;
  kind: string;
  properties: Record<string, unknown>;
  /** `file#resources[3]`, for messages. */
  origin: string;
}

export interface WatchlistDefinition {
  alias: string;
  properties: Record<string, unknown>;
  origin: string;
}

export interface SentinelResources {
  alertRules: AlertRuleDefinition[];
  watchlists: WatchlistDefinition[];
}

const ALERT_RULE_TYPE = /(^|\/)alertRules$/i;
const WATCHLIST_TYPE = /(^|\/)watchlists$/i;

export function parseArmTemplate(
  template: unknown,
  origin: string,
  parameterValues: Record<string, unknown> = {},
): SentinelResources {
  const t = template as {
    resources?: unknown;
    parameters?: Record<string, { defaultValue?: unknown }>;
    variables?: Record<string, unknown>;
  };
  if (!t || typeof t !== 'object' || !Array.isArray(t.resources))
    throw new UserFacingError(`${origin}: not an ARM template (no resources array)`);
  const parameters: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(t.parameters ?? {}))
    if (def && 'defaultValue' in def) parameters[name] = def.defaultValue;
  Object.assign(parameters, parameterValues);
  const ctx: ArmContext = { parameters, variables: t.variables ?? {} };

  const out: SentinelResources = { alertRules: [], watchlists: [] };
  t.resources.forEach((resource: Record<string, unknown>, index: number) => {
    const where = `${origin}#resources[${index}]`;
    const type = String(resource?.type ?? '');
    if (!ALERT_RULE_TYPE.test(type) && !WATCHLIST_TYPE.test(type)) return;
    const id = lastSegment(String(evaluateArmValue(resource.name, ctx) ?? ''));
    if (!id || /[{}]/.test(id))
      throw new UserFacingError(
        `${where}: cannot work out the resource name from ${JSON.stringify(resource.name)}`,
      );
    const properties = evaluateArmValue(resource.properties ?? {}, ctx) as Record<string, unknown>;
    if (ALERT_RULE_TYPE.test(type)) {
      const kind = String(evaluateArmValue(resource.kind, ctx) ?? 'Scheduled');
      out.alertRules.push({ ruleId: id, kind, properties, origin: where });
    } else out.watchlists.push({ alias: id, properties, origin: where });
  });
  return out;
}

function lastSegment(name: string): string {
  return name.split('/').filter(Boolean).pop() ?? '';
}

/**
 * Loads every ARM template among the paths: files as given, directories searched for `*.json`
 * (a `huntforge generate` output keeps them under `sentinel/arm/`). JSON files that are not
 * templates are skipped in directories and rejected when named directly.
 */
export async function loadSentinelResources(
  paths: string[],
  parameterValues: Record<string, unknown> = {},
): Promise<SentinelResources> {
  const out: SentinelResources = { alertRules: [], watchlists: [] };
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      throw new UsageError(`${path}: no such file or directory`);
    }
    const files = info.isDirectory() ? await jsonFilesUnder(path) : [path];
    for (const file of files) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        if (info.isDirectory()) continue;
        throw new UserFacingError(`${file}: not valid JSON (${(err as Error).message})`);
      }
      const isTemplate =
        !!parsed &&
        typeof parsed === 'object' &&
        Array.isArray((parsed as { resources?: unknown }).resources);
      if (!isTemplate) {
        if (info.isDirectory()) continue;
        throw new UserFacingError(`${file}: not an ARM template (no resources array)`);
      }
      const found = parseArmTemplate(parsed, file, parameterValues);
      out.alertRules.push(...found.alertRules);
      out.watchlists.push(...found.watchlists);
    }
  }
  return out;
}

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFilesUnder(path)));
    else if (entry.name.endsWith('.json')) out.push(path);
  }
  return out;
}
