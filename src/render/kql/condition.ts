/**
 * Conditions and exclusions as KQL. Strings compare case-insensitively (`=~`, `in~`, `startswith`,
 * …), `regex` is case-sensitive (`matches regex`, RE2), `cidr` uses ipv4_/ipv6_is_in_range. Every
 * value goes through kqlString; a field the table lacks is dropped with a note, never widening.
 */

import {
  type ConditionBackend,
  type ConditionLeaf,
  compileCondition,
  normaliseCidr,
  type ResolvedField,
  type SkippedField,
} from '../../hunts/conditions.js';
import { exclusionApplies } from '../../hunts/exclusions.js';
import type { Condition, Exclusion, Hunt, HuntKind } from '../../hunts/types.js';
import { ipaddr } from '../../packages/ipaddr.js';
import { kqlDynamicStrings, kqlIdentifier, kqlString } from './literal.js';

const NUMERIC_TYPES = new Set(['int', 'long', 'real', 'decimal']);
const INTEGER = /^-?\d{1,18}$/;
const REAL = /^-?\d+(\.\d+)?$/;

/** The last `\`-separated segment of a path column. */
const FILE_NAME_PATTERN = '[^\\\\]*$';

function isNumeric(resolved: ResolvedField): boolean {
  return NUMERIC_TYPES.has(resolved.type) && !resolved.fileNameOfPath;
}

/** The column as a string expression. */
function stringExpr(resolved: ResolvedField): string {
  const column = kqlIdentifier(resolved.column);
  if (resolved.fileNameOfPath) return `extract(${kqlString(FILE_NAME_PATTERN)}, 0, ${column})`;
  return resolved.type === 'string' ? column : `tostring(${column})`;
}

function orJoin(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`;
}

const KQL_OPERATOR = { startswith: 'startswith', endswith: 'endswith', contains: 'contains' } as const;

const kqlBackend: ConditionBackend = {
  check(leaf, resolved) {
    if (leaf.operator === 'cidr') {
      if (isNumeric(resolved)) return `cidr cannot apply to the ${resolved.type} column ${resolved.column}`;
      const bad = leaf.values.find((v) => normaliseCidr(v) === undefined);
      if (bad !== undefined) return `'${bad}' is not a CIDR range`;
    }
    if (leaf.operator === 'equals' && isNumeric(resolved)) {
      const pattern = resolved.type === 'real' || resolved.type === 'decimal' ? REAL : INTEGER;
      const bad = leaf.values.find((v) => !pattern.test(v.trim()));
      if (bad !== undefined)
        return `'${bad}' is not a number for the ${resolved.type} column ${resolved.column}`;
    }
    return null;
  },
  leaf(leaf, resolved) {
    return compileLeaf(leaf, resolved);
  },
  and: (parts) => `(${parts.join(' and ')})`,
  or: (parts) => `(${parts.join(' or ')})`,
  not: (part) => `not(${part})`,
  never: 'false',
};

function compileLeaf(leaf: ConditionLeaf, resolved: ResolvedField): string {
  const { values } = leaf;
  if (leaf.operator === 'equals' && isNumeric(resolved)) {
    const column = kqlIdentifier(resolved.column);
    const numbers = values.map((v) => v.trim());
    const test = numbers.length === 1 ? `${column} == ${numbers[0]}` : `${column} in (${numbers.join(', ')})`;
    return `(isnotnull(${column}) and ${test})`;
  }
  if (leaf.operator === 'equals' && resolved.fileNameOfPath && !values.some((v) => v.includes('\\'))) {
    return fileNameEquals(kqlIdentifier(resolved.column), values);
  }
  const expr = stringExpr(resolved);
  switch (leaf.operator) {
    case 'equals':
      return values.length === 1
        ? `${expr} =~ ${kqlString(values[0])}`
        : `${expr} in~ (${values.map(kqlString).join(', ')})`;
    case 'startswith':
    case 'endswith':
    case 'contains':
      return orJoin(
        values.map(
          (v) => `${expr} ${KQL_OPERATOR[leaf.operator as keyof typeof KQL_OPERATOR]} ${kqlString(v)}`,
        ),
      );
    case 'regex':
      return orJoin(values.map((v) => `${expr} matches regex ${kqlString(v)}`));
    case 'cidr':
      return compileCidr(expr, values);
  }
}

/**
 * A path column whose file name is one of `names` (none containing a backslash): the whole value
 * is the name, or it ends in `\name` — the same rows as comparing the extracted last segment, and
 * cheaper on large 4688 tables than running extract() on every row.
 */
function fileNameEquals(column: string, names: string[]): string {
  const whole =
    names.length === 1
      ? `${column} =~ ${kqlString(names[0])}`
      : `${column} in~ (${names.map(kqlString).join(', ')})`;
  return `(${[whole, ...names.map((n) => `${column} endswith ${kqlString(`\\${n}`)}`)].join(' or ')})`;
}

/**
 * ipv4_/ipv6_is_in_range, or the _any_range form for several ranges of a family (sinkhole lists
 * run to dozens). The functions return null for a value that is not an address of their family;
 * coalesce keeps such rows "not in range", so that not(...) keeps them.
 */
function compileCidr(expr: string, values: string[]): string {
  const byFamily: Record<'ipv4' | 'ipv6', string[]> = { ipv4: [], ipv6: [] };
  for (const value of values) {
    const cidr = normaliseCidr(value)!;
    byFamily[ipaddr.parseCIDR(cidr)[0].kind()].push(cidr);
  }
  const parts = (['ipv4', 'ipv6'] as const)
    .filter((family) => byFamily[family].length > 0)
    .map((family) => {
      const ranges = byFamily[family];
      // Defender writes some IPv4 endpoints IPv4-mapped (::ffff:10.1.2.3): compare their IPv4 part
      const address = family === 'ipv4' ? `trim_start(${kqlString('::ffff:')}, ${expr})` : expr;
      const test =
        ranges.length === 1
          ? `${family}_is_in_range(${address}, ${kqlString(ranges[0])})`
          : `${family}_is_in_any_range(${address}, ${kqlDynamicStrings(ranges)})`;
      return `coalesce(${test}, false)`;
    });
  return orJoin(parts);
}

export interface CompiledKqlCondition {
  /** A KQL predicate; `false` when nothing of the condition applies to the table. */
  kql: string;
  /** False when no part of the condition could be evaluated on this table. */
  evaluable: boolean;
  skipped: SkippedField[];
}

/** A condition as a KQL predicate over `table` (logical fields mapped through TABLE_FIELDS). */
export function compileConditionKql(condition: Condition, table: string): CompiledKqlCondition {
  const { text, evaluable, skipped } = compileCondition(condition, table, kqlBackend);
  return { kql: text, evaluable, skipped };
}

export interface CompiledKqlExclusions {
  /** `| where not(...)` lines, one per applied exclusion, in the order of `applied`. */
  lines: string[];
  applied: string[];
  /** Exclusions in scope that could not be evaluated on this table at all. */
  skipped: { exclusionId: string; reason: string }[];
  /** Applied exclusions that lost part of their condition on this table. */
  notes: { exclusionId: string; reason: string }[];
}

/** The exclusions in scope for a hunt of `huntKind` over `table`, as `| where not(...)` lines. */
export function compileExclusionsKql(
  exclusions: readonly Exclusion[],
  table: string,
  huntKind: HuntKind,
): CompiledKqlExclusions {
  const out: CompiledKqlExclusions = { lines: [], applied: [], skipped: [], notes: [] };
  for (const exclusion of exclusions) {
    if (!exclusionApplies(exclusion, huntKind, table)) continue;
    const { kql, evaluable, skipped } = compileConditionKql(exclusion.condition, table);
    const reason = skipped.map((s) => `${s.field}: ${s.reason}`).join('; ');
    if (!evaluable) {
      out.skipped.push({ exclusionId: exclusion.id, reason });
      continue;
    }
    out.lines.push(`| where not(${kql})`);
    out.applied.push(exclusion.id);
    if (skipped.length > 0) out.notes.push({ exclusionId: exclusion.id, reason });
  }
  return out;
}

export interface ExclusionEffect {
  exclusion: Exclusion;
  /** Hunts whose query the exclusion changed. */
  applied: { huntId: string; title: string; table: string }[];
  /** Hunts it concerns but could not be compiled into, with the reason (the report's notes). */
  skipped: { huntId: string; title: string; table: string; reason: string }[];
}

/**
 * For the report: each exclusion of `hunts` (by id, in first-seen order) with the hunts it changed
 * and the hunts it concerns but was skipped on. Exclusions out of every hunt's scope are left out.
 */
export function exclusionEffectsKql(hunts: readonly Hunt[]): ExclusionEffect[] {
  const effects = new Map<string, ExclusionEffect>();
  const effectOf = (exclusion: Exclusion) => {
    let effect = effects.get(exclusion.id);
    if (!effect) {
      effect = { exclusion, applied: [], skipped: [] };
      effects.set(exclusion.id, effect);
    }
    return effect;
  };
  for (const hunt of hunts) {
    const byId = new Map(hunt.exclusions.map((e) => [e.id, e]));
    const compiled = compileExclusionsKql(hunt.exclusions, hunt.table, hunt.kind);
    const where = { huntId: hunt.id, title: hunt.title, table: hunt.table };
    for (const id of compiled.applied) effectOf(byId.get(id)!).applied.push(where);
    for (const { exclusionId, reason } of compiled.skipped)
      effectOf(byId.get(exclusionId)!).skipped.push({ ...where, reason });
  }
  return [...effects.values()];
}
