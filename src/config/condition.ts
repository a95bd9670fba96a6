/**
 * Conditions and exclusions as written in YAML (huntforge.yaml, profiles, scenario files):
 *   { field: process, equals: [a.exe, b.exe] }      a leaf: one field, one operator, a list
 *   { field: commandLine, contains: { list: knownMsiPackages } }   values from a named list
 *   { all: [...] } / { any: [...] } / { not: {...} }
 * Checked here once: fields, operators, CIDR ranges (ipaddr.js) and regexes (RE2 subset).
 */
import type { Node } from 'yaml';
import {
  CONDITION_OPERATORS,
  type ConditionTemplate,
  isLogicalField,
  normaliseCidr,
} from '../hunts/conditions.js';
import { isHuntKind } from '../hunts/exclusions.js';
import type { ConditionOperator } from '../hunts/types.js';
import { yamlPackage } from '../packages/yaml.js';
import { LOGICAL_FIELDS } from '../schemas/fields.js';
import { tableSchemas } from '../schemas/tables.js';
import { join, type YamlSource } from './yaml.js';

const OPERATOR_HINT = ` (allowed operators: ${CONDITION_OPERATORS.join(', ')})`;
const COMBINATORS = ['all', 'any', 'not'] as const;
export const CONDITION_KEYS: readonly string[] = ['field', ...CONDITION_OPERATORS, ...COMBINATORS];

export interface ParseOptions {
  /** Whether `{ list: name }` values are allowed, and which names exist (undefined: any name). */
  lists?: { allowed: boolean; names?: readonly string[] };
}

/**
 * Parses the condition keys of `node` (which may carry other keys, e.g. an exclusion's id;
 * the caller has checked those). Returns undefined after reporting when it is unusable.
 */
export function parseCondition(
  src: YamlSource,
  node: Node | null,
  path: string,
  options: ParseOptions = {},
  extraKeys: readonly string[] = [],
): ConditionTemplate | undefined {
  const entries = src.mapping(node, path, [...extraKeys, ...CONDITION_KEYS], 'a condition mapping');
  if (!entries) return undefined;
  const operators = CONDITION_OPERATORS.filter((op) => entries.has(op));
  const combinators = COMBINATORS.filter((c) => entries.has(c));
  const field = entries.get('field');
  const used = [...(field ? ['field'] : []), ...operators, ...combinators];

  if (combinators.length > 0) {
    if (used.length > 1) {
      src.report(
        node,
        path,
        `use either field with one operator, or one of all/any/not — found ${used.join(', ')}`,
      );
      return undefined;
    }
    const name = combinators[0];
    const value = entries.get(name)!.value;
    const childPath = join(path, name);
    if (name === 'not') {
      const inner = parseCondition(src, value, childPath, options);
      return inner && { not: inner };
    }
    const items = src.sequence(value, childPath, 'a non-empty list of conditions');
    if (!items) return undefined;
    if (items.length === 0) {
      src.report(value, childPath, 'expected a non-empty list of conditions');
      return undefined;
    }
    const children = items.map((item, i) => parseCondition(src, item, join(childPath, i), options));
    if (children.some((c) => c === undefined)) return undefined;
    return name === 'all'
      ? { all: children as ConditionTemplate[] }
      : { any: children as ConditionTemplate[] };
  }

  if (!field) {
    src.report(node, path, `expected a condition: field with one operator, or all/any/not${OPERATOR_HINT}`);
    return undefined;
  }
  if (operators.length !== 1) {
    src.report(
      node,
      path,
      operators.length === 0
        ? `field needs one operator${OPERATOR_HINT}`
        : `only one operator per condition, found ${operators.join(' and ')}; combine conditions with all/any`,
    );
    return undefined;
  }
  const fieldName = parseField(src, field.value, join(path, 'field'));
  const operator = operators[0];
  const values = parseValues(src, entries.get(operator)!.value, join(path, operator), operator, options);
  if (fieldName === undefined || values === undefined) return undefined;
  return { field: fieldName as `${string}.${string}`, operator, ...values };
}

function parseField(src: YamlSource, node: Node | null, path: string): string | undefined {
  const name = src.string(node, path);
  if (name === undefined) return undefined;
  if (isLogicalField(name)) return name;
  const dot = name.indexOf('.');
  if (dot <= 0) {
    src.report(
      node,
      path,
      `unknown field '${name}' (allowed: ${LOGICAL_FIELDS.join(', ')}, or Table.Column such as DnsEvents.Computer)`,
    );
    return undefined;
  }
  const table = name.slice(0, dot);
  const column = name.slice(dot + 1);
  const schemas = tableSchemas();
  if (!schemas[table]) {
    src.report(node, path, `unknown table '${table}' (known tables: ${Object.keys(schemas).join(', ')})`);
    return undefined;
  }
  if (!schemas[table].some((c) => c.name === column)) {
    src.report(node, path, `${table} has no column '${column}'`);
    return undefined;
  }
  return name;
}

function parseValues(
  src: YamlSource,
  node: Node | null,
  path: string,
  operator: ConditionOperator,
  options: ParseOptions,
): { values: string[]; list?: string } | undefined {
  if (yamlPackage().isMap(node) && options.lists?.allowed) {
    // { list: name, values: [defaults] }: values from a huntforge.yaml list, plus optional defaults
    const entries = src.mapping(node, path, ['list', 'values']);
    const list = entries?.get('list');
    if (!list) {
      if (entries) src.report(node, path, 'expected { list: <name> } (optionally with values: [defaults])');
      return undefined;
    }
    const name = src.string(list.value, join(path, 'list'));
    if (name === undefined) return undefined;
    const known = options.lists.names;
    if (known && !known.includes(name)) {
      src.report(
        list.value,
        join(path, 'list'),
        `unknown list '${name}' (lists defined: ${known.join(', ') || 'none'})`,
      );
      return undefined;
    }
    const defaults = entries?.get('values');
    if (!defaults) return { values: [], list: name };
    const values = checkedValues(src, defaults.value, join(path, 'values'), operator, options);
    return values && { values: values.values, list: name };
  }
  return checkedValues(src, node, path, operator, options);
}

function checkedValues(
  src: YamlSource,
  node: Node | null,
  path: string,
  operator: ConditionOperator,
  options: ParseOptions,
): { values: string[] } | undefined {
  const listHint = options.lists?.allowed ? ' or { list: <name> }' : '';
  const values = src.stringList(node, path, `${listHint}${OPERATOR_HINT}`);
  if (values === undefined) return undefined;
  if (values.length === 0) {
    src.report(node, path, 'expected at least one value');
    return undefined;
  }
  const items = (node as { items: Node[] }).items;
  let ok = true;
  const checked = values.map((value, i) => {
    const problem = checkValue(operator, value);
    if (typeof problem === 'string') {
      src.report(items[i], join(path, i), problem);
      ok = false;
      return value;
    }
    return problem.value;
  });
  return ok ? { values: checked } : undefined;
}

/** A value checked for its operator: the normalised value, or what is wrong with it. */
export function checkValue(operator: ConditionOperator, value: string): { value: string } | string {
  if (operator === 'cidr') {
    const cidr = normaliseCidr(value);
    return cidr === undefined ? `'${value}' is not an IP address or CIDR range` : { value: cidr };
  }
  if (operator === 'regex') return checkRegex(value) ?? { value };
  return { value };
}

/**
 * KQL and DuckDB both use RE2, which has no lookaround and no backreferences; JavaScript accepts
 * those, so they are rejected first. `(?i)` (RE2's case-insensitive flag) is allowed at the start.
 */
export function checkRegex(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern))
    return `regex '${pattern}': lookaround (?=, ?!, ?<=, ?<!) is not supported by RE2`;
  if (/\\[1-9]/.test(pattern)) return `regex '${pattern}': backreferences (\\1…) are not supported by RE2`;
  const flagged = /^\(\?i\)/.exec(pattern);
  try {
    new RegExp(flagged ? pattern.slice(flagged[0].length) : pattern, flagged ? 'iu' : 'u');
  } catch (error) {
    return `invalid regular expression '${pattern}': ${(error as Error).message}`;
  }
  return undefined;
}

/** Scope entries: hunt kinds or table names. */
export function parseScope(src: YamlSource, node: Node | null, path: string): string[] | undefined {
  const values = src.stringList(node, path, ' (hunt kinds or table names)');
  if (values === undefined) return undefined;
  const tables = Object.keys(tableSchemas());
  const items = (node as { items: Node[] }).items;
  let ok = true;
  values.forEach((value, i) => {
    if (isHuntKind(value) || tables.includes(value)) return;
    ok = false;
    src.report(
      items[i],
      join(path, i),
      `unknown scope '${value}' (allowed: hunt kinds ip, domain, url, hash, dns-then-connect, behaviour, or a table: ${tables.join(', ')})`,
    );
  });
  return ok ? values : undefined;
}

export const EXCLUSION_KEYS = ['id', 'reason', 'scope'] as const;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ExclusionTemplate {
  id: string;
  reason: string;
  scope: string[];
  condition: ConditionTemplate;
  line: number;
}

/** An exclusion: id, reason, optional scope, and its condition keys in the same mapping. */
export function parseExclusion(
  src: YamlSource,
  node: Node | null,
  path: string,
  options: ParseOptions = {},
): ExclusionTemplate | undefined {
  if (!yamlPackage().isMap(node)) {
    src.report(node, path, 'expected an exclusion mapping (id, reason, optional scope, and a condition)');
    return undefined;
  }
  // unknown keys are reported once, by parseCondition below
  const entries = src.peek(node);
  const idEntry = entries.get('id');
  const reasonEntry = entries.get('reason');
  if (!idEntry) src.report(node, path, 'missing id (a short name such as dns-sinkhole)');
  if (!reasonEntry) src.report(node, path, 'missing reason (why these rows are not worth reporting)');
  const id = idEntry ? src.string(idEntry.value, join(path, 'id')) : undefined;
  if (id !== undefined && !ID_PATTERN.test(id)) {
    src.report(
      idEntry!.value,
      join(path, 'id'),
      `'${id}' is not a valid id (letters, digits, '.', '_', '-')`,
    );
  }
  const reason = reasonEntry ? src.string(reasonEntry.value, join(path, 'reason')) : undefined;
  const scopeEntry = entries.get('scope');
  const scope = scopeEntry ? parseScope(src, scopeEntry.value, join(path, 'scope')) : [];
  const condition = parseCondition(src, node, path, options, EXCLUSION_KEYS);
  if (id === undefined || !ID_PATTERN.test(id) || reason === undefined || scope === undefined || !condition) {
    return undefined;
  }
  return { id, reason, scope, condition, line: src.lineOf(node) };
}
