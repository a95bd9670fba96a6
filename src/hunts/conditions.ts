/**
 * Target-independent handling of the Condition model: which column a field means in a table, how
 * a condition is simplified when some of its fields cannot be evaluated there, and how it reads in
 * a report. KQL and SQL compile the same simplified tree, so the rules live here once.
 */
import { ipaddr } from '../packages/ipaddr.js';
import { LOGICAL_FIELDS, type LogicalField, TABLE_FIELDS } from '../schemas/fields.js';
import { type KqlType, tableSchema } from '../schemas/tables.js';
import type { Condition, ConditionOperator } from './types.js';

export const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  'equals',
  'startswith',
  'endswith',
  'contains',
  'cidr',
  'regex',
];

export type ConditionLeaf = Extract<Condition, { field: string }>;

export function isLeaf(condition: Condition): condition is ConditionLeaf {
  return 'field' in condition;
}

export function isLogicalField(field: string): field is LogicalField {
  return (LOGICAL_FIELDS as readonly string[]).includes(field);
}

/**
 * A cidr value in canonical form: `10.0.0.0/8` stays, a bare address becomes a /32 or /128;
 * undefined when it is neither (values from user lists reach the compilers unchecked).
 */
export function normaliseCidr(value: string): string | undefined {
  const text = value.trim();
  if (ipaddr.isValidCIDR(text)) {
    const [address, prefix] = ipaddr.parseCIDR(text);
    return `${address.toString()}/${prefix}`;
  }
  if (ipaddr.isValid(text)) {
    const address = ipaddr.parse(text);
    return `${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
  }
  return undefined;
}

/**
 * Tables whose column for a file-name field holds a full path (Windows 4688 records
 * `C:\Windows\System32\cmd.exe` as NewProcessName): the file name is taken after the last `\`.
 */
const FILE_NAME_FROM_PATH: Record<string, LogicalField[]> = {
  SecurityEvent: ['process', 'parentProcess'],
};

export interface ResolvedField {
  column: string;
  type: KqlType;
  /** The column holds a path and the field means its last segment (the file name). */
  fileNameOfPath: boolean;
}

/**
 * The column a condition field refers to in `table`, or why it has none. `columns`, when given,
 * are the columns the data really has (local logs), checked in addition to the bundled schema.
 */
export function resolveField(
  field: string,
  table: string,
  columns?: string[],
): ResolvedField | { reason: string } {
  let column: string | undefined;
  let fileNameOfPath = false;
  if (isLogicalField(field)) {
    column = TABLE_FIELDS[table]?.[field];
    if (!column) return { reason: `${table} has no column for logical field '${field}'` };
    fileNameOfPath = FILE_NAME_FROM_PATH[table]?.includes(field) ?? false;
  } else {
    const dot = field.indexOf('.');
    const fieldTable = field.slice(0, dot);
    if (fieldTable !== table) return { reason: `'${field}' applies to table ${fieldTable} only` };
    column = field.slice(dot + 1);
  }
  const schema = tableSchema(table);
  const declared = schema?.find((c) => c.name === column);
  if (schema && !declared && !columns) return { reason: `${table} has no column '${column}'` };
  if (columns && !columns.includes(column)) return { reason: `the ${table} data has no column '${column}'` };
  return { column, type: declared?.type ?? 'string', fileNameOfPath };
}

export interface SkippedField {
  field: string;
  reason: string;
}

/** What a target language supplies to compile a simplified condition tree. */
export interface ConditionBackend {
  /** Why this leaf cannot be compiled for the table, or null when it can. */
  check(leaf: ConditionLeaf, resolved: ResolvedField): string | null;
  leaf(leaf: ConditionLeaf, resolved: ResolvedField): string;
  and(parts: string[]): string;
  or(parts: string[]): string;
  not(part: string): string;
  /** The constant "no row" expression, used when nothing of a condition can be evaluated. */
  never: string;
}

export interface CompiledCondition {
  /** The expression; `backend.never` when `evaluable` is false. */
  text: string;
  /** False when no part of the condition could be evaluated on this table. */
  evaluable: boolean;
  skipped: SkippedField[];
}

/**
 * Compiles `condition` for `table`, dropping what the table cannot evaluate so that the result is
 * never wider than the condition: an unevaluable leaf counts as false where it is reached through
 * an even number of `not`s and as true under an odd number, so an `all` with a dropped leaf is
 * dropped entirely and an `any` just loses the leaf — and a `not` never turns a drop into a widening.
 */
export function compileCondition(
  condition: Condition,
  table: string,
  backend: ConditionBackend,
  columns?: string[],
): CompiledCondition {
  const skipped: SkippedField[] = [];
  const walk = (c: Condition, positive: boolean): string | boolean => {
    if (isLeaf(c)) {
      const resolved = resolveField(c.field, table, columns);
      const reason =
        'reason' in resolved
          ? resolved.reason
          : c.values.length === 0
            ? 'no values (an empty list)'
            : backend.check(c, resolved);
      if (reason !== null || 'reason' in resolved) {
        skipped.push({ field: c.field, reason: reason ?? 'cannot be evaluated' });
        return !positive; // the narrowing constant for this polarity
      }
      return backend.leaf(c, resolved);
    }
    if ('not' in c) {
      const inner = walk(c.not, !positive);
      return typeof inner === 'boolean' ? !inner : backend.not(inner);
    }
    const isAll = 'all' in c;
    const children = flatten(c);
    const parts: string[] = [];
    for (const child of children) {
      const part = walk(child, positive);
      if (typeof part === 'string') parts.push(part);
      else if (part !== isAll) {
        // false in an all, or true in an any, decides the whole group
        noteGroupDropped(children, isAll, skipped);
        return part;
      }
    }
    if (parts.length === 0) return isAll;
    if (parts.length === 1) return parts[0];
    return isAll ? backend.and(parts) : backend.or(parts);
  };
  const result = walk(condition, true);
  // A constant true can only come from an empty group (rejected when loading); never let a
  // condition that could not be compiled match every row.
  if (typeof result === 'boolean') return { text: backend.never, evaluable: false, skipped };
  return { text: result, evaluable: true, skipped };
}

/** The children of an all/any, with nested groups of the same kind lifted: a and (b and c) → a, b, c. */
function flatten(group: { all: Condition[] } | { any: Condition[] }): Condition[] {
  const isAll = 'all' in group;
  return (isAll ? group.all : group.any).flatMap((child) =>
    isAll && 'all' in child ? flatten(child) : !isAll && 'any' in child ? flatten(child) : [child],
  );
}

function noteGroupDropped(children: Condition[], isAll: boolean, skipped: SkippedField[]): void {
  const fields = [...new Set(children.flatMap(leafFields))];
  skipped.push({
    field: fields.join(', '),
    reason: isAll
      ? 'the enclosing all(...) cannot be evaluated without the skipped field, so it is dropped as a whole'
      : 'the enclosing any(...) cannot be evaluated without the skipped field, so it is dropped as a whole',
  });
}

export function leafFields(condition: Condition): string[] {
  if (isLeaf(condition)) return [condition.field];
  if ('not' in condition) return leafFields(condition.not);
  return ('all' in condition ? condition.all : condition.any).flatMap(leafFields);
}

/** One-line, human-readable text of a condition for reports: `process equals "a.exe", "b.exe"`. */
export function describeCondition(condition: Condition): string {
  if (isLeaf(condition)) {
    return `${condition.field} ${condition.operator} ${condition.values.map(displayValue).join(', ')}`;
  }
  if ('not' in condition) return `not (${describeCondition(condition.not)})`;
  const isAll = 'all' in condition;
  const parts = (isAll ? condition.all : condition.any).map((c) =>
    isLeaf(c) || 'not' in c ? describeCondition(c) : `(${describeCondition(c)})`,
  );
  return parts.join(isAll ? ' and ' : ' or ');
}

/**
 * A value quoted for reading: Windows paths keep single backslashes, while quotes and control
 * characters are escaped so that a value can never break the report line it sits on.
 */
export function displayValue(value: string): string {
  const escaped = value.replace(/["\u0000-\u001f\u007f\u2028\u2029]/g, (ch) =>
    ch === '"' ? '\\"' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

/**
 * A condition as written in a data file: a leaf may take its values from a named list that the
 * user fills in huntforge.yaml (`lists:`), e.g. the MSI packages their security tools install.
 */
export type ConditionTemplate =
  | { field: ConditionLeaf['field']; operator: ConditionOperator; values: string[]; list?: string }
  | { all: ConditionTemplate[] }
  | { any: ConditionTemplate[] }
  | { not: ConditionTemplate };

/** Named value lists from huntforge.yaml. */
export type ValueLists = Record<string, string[]>;

/**
 * Fills list references from `lists`. A leaf left without values cannot match anything, so it is
 * dropped with the same narrowing rule as compileCondition; null when nothing is left.
 */
export function resolveTemplate(template: ConditionTemplate, lists: ValueLists = {}): Condition | null {
  const walk = (t: ConditionTemplate, positive: boolean): Condition | boolean => {
    if ('field' in t) {
      const values = [...t.values, ...(t.list ? (lists[t.list] ?? []) : [])];
      if (values.length === 0) return !positive;
      return { field: t.field, operator: t.operator, values };
    }
    if ('not' in t) {
      const inner = walk(t.not, !positive);
      return typeof inner === 'boolean' ? !inner : { not: inner };
    }
    const isAll = 'all' in t;
    const parts: Condition[] = [];
    for (const child of isAll ? t.all : t.any) {
      const part = walk(child, positive);
      if (typeof part !== 'boolean') parts.push(part);
      else if (part !== isAll) return part;
    }
    if (parts.length === 0) return isAll;
    if (parts.length === 1) return parts[0];
    return isAll ? { all: parts } : { any: parts };
  };
  const result = walk(template, true);
  return typeof result === 'boolean' ? null : result;
}

/** The lists a template refers to, each with the operators that use it (a cidr list holds addresses). */
export function templateLists(template: ConditionTemplate): { list: string; operator: ConditionOperator }[] {
  if ('field' in template) return template.list ? [{ list: template.list, operator: template.operator }] : [];
  if ('not' in template) return templateLists(template.not);
  return ('all' in template ? template.all : template.any).flatMap(templateLists);
}
