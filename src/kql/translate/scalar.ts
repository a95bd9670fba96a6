/** Scalar KQL expressions → DuckDB SQL expressions, with Kusto's semantics (not SQL's). */
import type { KqlType } from '../../schemas/tables.js';
import type { Context, Scope } from './context.js';
import { callFunction } from './functions.js';
import type { SqlExpr } from './model.js';
import { duckType, intervalLiteral, quoteIdent, quoteString, regexEscape, timestampLiteral } from './sql.js';
import { analyzedType, elements, kindOf, type Node } from './syntax.js';
import { hasAnySql, hasNoTerm } from './terms.js';
import { datetimeValue, timespanMicros } from './time.js';

/** Unwraps Bridge.NET boxed values (System.Int32, System.Double, System.Boolean, Int64). */
export function unbox(value: unknown): unknown {
  if (value && typeof value === 'object') {
    const v = value as { $boxed?: boolean; v?: unknown; toNumber?: () => number };
    if (v.$boxed) return v.v;
    if (typeof v.toNumber === 'function') return v.toNumber();
  }
  return value;
}

export function literal(value: unknown, type: KqlType): SqlExpr {
  if (value === null || value === undefined)
    return { sql: `CAST(NULL AS ${duckType(type)})`, type, constant: { value: null } };
  switch (type) {
    case 'string':
    case 'guid':
      return { sql: quoteString(String(value)), type, constant: { value } };
    case 'bool':
      return { sql: value ? 'true' : 'false', type, constant: { value } };
    case 'int':
    case 'long':
      return { sql: `CAST(${String(value)} AS ${duckType(type)})`, type, constant: { value } };
    case 'real':
    case 'decimal':
      return { sql: `CAST(${formatReal(Number(value))} AS DOUBLE)`, type: 'real', constant: { value } };
    case 'datetime':
      return { sql: timestampLiteral(value as Date), type, constant: { value } };
    case 'timespan':
      return { sql: intervalLiteral(value as number), type, constant: { value } };
    case 'dynamic':
      return dynamicLiteral(value);
  }
}

function formatReal(n: number): string {
  if (Number.isNaN(n)) return "'NaN'";
  if (!Number.isFinite(n)) return n > 0 ? "'Infinity'" : "'-Infinity'";
  return String(n);
}

export function dynamicLiteral(value: unknown): SqlExpr {
  return { sql: `CAST(${quoteString(JSON.stringify(value))} AS JSON)`, type: 'dynamic', constant: { value } };
}

/** The constant value of an expression, if known while translating. */
export function constantOf(expr: SqlExpr): unknown {
  return expr.constant ? expr.constant.value : undefined;
}

function tokenText(node: Node, ctx: Context): string {
  return ctx.source.text.slice(node.TextStart, node.End).trim();
}

export function scalar(node: Node, scope: Scope, ctx: Context): SqlExpr {
  const kind = kindOf(node);
  switch (kind) {
    case 'ParenthesizedExpression': {
      const inner = scalar(node.Expression, scope, ctx);
      return { ...inner, sql: `(${inner.sql})` };
    }
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
      return literal(String(node.ConstantValue ?? ''), 'string');
    case 'BooleanLiteralExpression':
    case 'IntLiteralExpression':
    case 'LongLiteralExpression':
    case 'RealLiteralExpression':
    case 'DecimalLiteralExpression':
    case 'GuidLiteralExpression': {
      const type = analyzedType(node) ?? 'string';
      const value = unbox(node.ConstantValue);
      if (kind === 'GuidLiteralExpression') return literal(value === null ? null : String(value), 'guid');
      return literal(value, type);
    }
    case 'DateTimeLiteralExpression': {
      const value = datetimeValue(tokenText(node, ctx));
      if (value === undefined)
        throw ctx.source.unsupported(node, `datetime literal '${tokenText(node, ctx)}'`);
      return literal(value, 'datetime');
    }
    case 'TimespanLiteralExpression': {
      const micros = timespanMicros(tokenText(node, ctx));
      if (micros === undefined)
        throw ctx.source.unsupported(node, `timespan literal '${tokenText(node, ctx)}'`);
      return literal(micros, 'timespan');
    }
    case 'DynamicExpression':
      return dynamicLiteral(jsonValue(node.Expression, ctx));
    case 'NameReference':
      return nameReference(node, scope, ctx);
    case 'BracketedExpression':
      return scalar(node.Expression, scope, ctx);
    case 'FunctionCallExpression':
      return callFunction(node, scope, ctx);
    case 'PathExpression':
    case 'ElementExpression':
      return dynamicAccess(node, scope, ctx);
    case 'AndExpression':
    case 'OrExpression': {
      const l = scalar(node.Left, scope, ctx);
      const r = scalar(node.Right, scope, ctx);
      return { sql: `(${l.sql} ${kind === 'AndExpression' ? 'AND' : 'OR'} ${r.sql})`, type: 'bool' };
    }
    case 'EqualExpression':
    case 'NotEqualExpression':
      return equality(node, kind === 'NotEqualExpression', scope, ctx);
    case 'EqualTildeExpression':
    case 'BangTildeExpression': {
      const left = scalar(node.Left, scope, ctx);
      const right = scalar(node.Right, scope, ctx);
      const op = kind === 'BangTildeExpression' ? '<>' : '=';
      const c = constantOf(right);
      if (left.raw && typeof c === 'string') {
        const lc = c.toLowerCase();
        return onRaw(
          left.raw,
          (v) => `lower(${v}) ${op} ${quoteString(lc)}`,
          op === '=' ? lc === '' : lc !== '',
        );
      }
      return { sql: `(${lowerString(left)} ${op} ${lowerString(right)})`, type: 'bool' };
    }
    case 'LessThanExpression':
    case 'LessThanOrEqualExpression':
    case 'GreaterThanExpression':
    case 'GreaterThanOrEqualExpression': {
      const op = {
        LessThanExpression: '<',
        LessThanOrEqualExpression: '<=',
        GreaterThanExpression: '>',
        GreaterThanOrEqualExpression: '>=',
      }[kind];
      const [l, r] = comparable(scalar(node.Left, scope, ctx), scalar(node.Right, scope, ctx), node, ctx);
      return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'bool' };
    }
    case 'AddExpression':
    case 'SubtractExpression':
    case 'MultiplyExpression':
    case 'DivideExpression':
    case 'ModuloExpression':
      return arithmetic(node, kind, scope, ctx);
    case 'UnaryMinusExpression':
    case 'UnaryPlusExpression': {
      const e = scalar(node.Expression, scope, ctx);
      return { sql: kind === 'UnaryMinusExpression' ? `(-${e.sql})` : e.sql, type: e.type };
    }
    case 'InExpression':
    case 'NotInExpression':
    case 'InCsExpression':
    case 'NotInCsExpression':
      return inList(node, kind, scope, ctx);
    case 'HasExpression':
    case 'NotHasExpression':
    case 'HasCsExpression':
    case 'NotHasCsExpression':
    case 'HasAnyExpression':
    case 'HasAllExpression':
      return hasTerms(node, kind, scope, ctx);
    case 'HasPrefixExpression':
    case 'NotHasPrefixExpression':
    case 'HasSuffixExpression':
    case 'NotHasSuffixExpression':
      return termEdge(node, kind, scope, ctx);
    case 'ToScalarExpression': {
      // The first column of the first row, as a scalar subquery over the tabular expression's CTE.
      const rel = ctx.tabular(node.Expression);
      const first = rel.columns[0];
      if (!first) throw ctx.source.unsupported(node, 'toscalar() of a table without columns');
      const order = rel.ordered ? ' ORDER BY __ord' : '';
      return {
        sql: `(SELECT ${quoteIdent(first.name)} FROM ${rel.from}${order} LIMIT 1)`,
        type: first.type,
        list: first.list,
      };
    }
    case 'ContainsExpression':
    case 'NotContainsExpression':
    case 'ContainsCsExpression':
    case 'NotContainsCsExpression':
    case 'StartsWithExpression':
    case 'NotStartsWithExpression':
    case 'StartsWithCsExpression':
    case 'NotStartsWithCsExpression':
    case 'EndsWithExpression':
    case 'NotEndsWithExpression':
    case 'EndsWithCsExpression':
    case 'NotEndsWithCsExpression':
      return substringMatch(node, kind, scope, ctx);
    case 'MatchesRegexExpression': {
      const l = asString(scalar(node.Left, scope, ctx));
      const r = scalar(node.Right, scope, ctx);
      return { sql: `regexp_matches(${l}, ${r.sql})`, type: 'bool' };
    }
    case 'BetweenExpression':
    case 'NotBetweenExpression': {
      const l = scalar(node.Left, scope, ctx);
      const couple = node.Right;
      const lo = scalar(couple.First, scope, ctx);
      let hi = scalar(couple.Second, scope, ctx);
      // `datetime between (start .. 1d)`: a timespan upper bound counts from the lower one.
      if (lo.type === 'datetime' && hi.type === 'timespan')
        hi = { sql: `(${lo.sql} + ${hi.sql})`, type: 'datetime' };
      const sql = `(${l.sql} BETWEEN ${lo.sql} AND ${hi.sql})`;
      return { sql: kind === 'NotBetweenExpression' ? `(NOT ${sql})` : sql, type: 'bool' };
    }
    default:
      throw ctx.source.unsupported(node, `expression '${ctx.source.snippet(node)}'`, kind);
  }
}

function nameReference(node: Node, scope: Scope, ctx: Context): SqlExpr {
  const symbol = node.ReferencedSymbol;
  const symbolKind: string = symbol?.constructor?.$$name?.split('.').pop() ?? '';
  const name: string = symbol?.Name ?? node.SimpleName;
  if (symbolKind === 'ColumnSymbol') {
    const column = scope.columns.find((c) => c.name === name);
    if (!column) throw ctx.source.unsupported(node, `column reference '${name}' here`);
    const ref = scope.qualifier ? `${scope.qualifier}.${quoteIdent(name)}` : quoteIdent(name);
    const raw = scope.raw?.[name];
    return { sql: ref, type: column.type, list: column.list, raw: raw ? quoteIdent(raw) : undefined };
  }
  if (symbolKind === 'VariableSymbol') {
    const binding = ctx.lets.get(name);
    if (binding?.kind === 'scalar') return binding.expr;
    if (binding?.kind === 'tabular')
      throw ctx.source.unsupported(node, `tabular let '${name}' used as a scalar`);
  }
  throw ctx.source.unsupported(node, `name '${name}'`, symbolKind || undefined);
}

/** A JSON literal inside dynamic(...) as a JS value. */
function jsonValue(node: Node, ctx: Context): unknown {
  const kind = kindOf(node);
  switch (kind) {
    case 'JsonArrayExpression':
      return elements(node.Values).map((v) => jsonValue(v, ctx));
    case 'JsonObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const pair of elements(node.Pairs)) {
        const nameToken = pair.Name;
        const key = String(nameToken.ValueText ?? nameToken.Text).replace(/^["']|["']$/g, '');
        out[key] = jsonValue(pair.Value, ctx);
      }
      return out;
    }
    case 'NullLiteralExpression':
      return null;
    case 'DateTimeLiteralExpression': {
      const d = datetimeValue(tokenText(node, ctx));
      return d ? d.toISOString() : null;
    }
    case 'TimespanLiteralExpression':
      throw ctx.source.unsupported(node, 'timespan inside dynamic()');
    default: {
      if (node.IsConstant || node.IsLiteral) {
        const v = unbox(node.ConstantValue ?? node.LiteralValue);
        if (v === undefined)
          throw ctx.source.unsupported(node, `dynamic element '${ctx.source.snippet(node)}'`);
        return v;
      }
      throw ctx.source.unsupported(node, `dynamic element '${ctx.source.snippet(node)}'`, kind);
    }
  }
}

/**
 * A predicate on a stored string column tested on its raw value: NULL there means '' in KQL, and
 * `whenEmpty` is the predicate's (known) result for ''.
 */
function onRaw(raw: string, predicate: (value: string) => string, whenEmpty: boolean): SqlExpr {
  return { sql: `COALESCE(${predicate(raw)}, ${whenEmpty})`, type: 'bool' };
}

/** A string-typed SQL value; other types are converted as tostring() would. */
export function asString(expr: SqlExpr): string {
  return toStringSql(expr);
}

/** Kusto tostring(): never null, datetimes in ISO 8601, dynamic strings without quotes. */
export function toStringSql(expr: SqlExpr): string {
  switch (expr.type) {
    case 'string':
    case 'guid':
      return expr.sql;
    case 'datetime':
      // Kusto prints whole seconds without a fraction, otherwise 7 fractional digits.
      return `COALESCE(CASE WHEN epoch_us(${expr.sql}) % 1000000 = 0 THEN strftime(${expr.sql}, '%Y-%m-%dT%H:%M:%SZ') ELSE strftime(${expr.sql}, '%Y-%m-%dT%H:%M:%S.%f') || '0Z' END, '')`;
    case 'dynamic':
      return `COALESCE(json_extract_string(${jsonSql(expr)}, '$'), '')`;
    case 'bool':
      return `COALESCE(CASE WHEN ${expr.sql} THEN 'true' ELSE 'false' END, '')`;
    case 'real':
    case 'decimal':
      // Kusto prints whole reals without a fraction: tostring(1.0) is "1".
      return `COALESCE(CASE WHEN ${expr.sql} = trunc(${expr.sql}) AND abs(${expr.sql}) < 1e15 THEN CAST(CAST(${expr.sql} AS BIGINT) AS VARCHAR) ELSE CAST(${expr.sql} AS VARCHAR) END, '')`;
    case 'timespan':
      return `COALESCE(${timespanText(expr.sql)}, '')`;
    default:
      return `COALESCE(CAST(${expr.sql} AS VARCHAR), '')`;
  }
}

/** Kusto's timespan text `[-][d.]hh:mm:ss[.fffffff]`. */
function timespanText(sql: string): string {
  const us = `epoch_us(${sql})`;
  const a = `abs(${us})`;
  const rem = `(${a} % 86400000000)`;
  const two = (v: string) => `lpad(CAST(${v} AS VARCHAR), 2, '0')`;
  return `(CASE WHEN ${us} < 0 THEN '-' ELSE '' END || CASE WHEN ${a} >= 86400000000 THEN CAST(${a} // 86400000000 AS VARCHAR) || '.' ELSE '' END || ${two(`${rem} // 3600000000`)} || ':' || ${two(`(${rem} // 60000000) % 60`)} || ':' || ${two(`(${rem} // 1000000) % 60`)} || CASE WHEN ${rem} % 1000000 > 0 THEN '.' || lpad(CAST((${rem} % 1000000) * 10 AS VARCHAR), 7, '0') ELSE '' END)`;
}

/** A dynamic value as DuckDB JSON (lists are converted). */
export function jsonSql(expr: SqlExpr): string {
  if (expr.type !== 'dynamic') return `to_json(${expr.sql})`;
  return expr.list ? `to_json(${expr.sql})` : expr.sql;
}

function lowerString(expr: SqlExpr): string {
  const c = constantOf(expr);
  if (typeof c === 'string') return quoteString(c.toLowerCase());
  return `lower(${asString(expr)})`;
}

/**
 * `==` / `!=`: strings are never null so plain SQL works; for other types Kusto says
 * null == value is false and null != value is true (only null vs null stays null).
 */
function equality(node: Node, negate: boolean, scope: Scope, ctx: Context): SqlExpr {
  const [l, r] = comparable(scalar(node.Left, scope, ctx), scalar(node.Right, scope, ctx), node, ctx);
  if (l.type === 'dynamic' && r.type === 'dynamic') {
    return {
      sql: `(CAST(${jsonSql(l)} AS VARCHAR) ${negate ? '<>' : '='} CAST(${jsonSql(r)} AS VARCHAR))`,
      type: 'bool',
    };
  }
  if (l.type === 'string' && r.type === 'string') {
    const op = negate ? '<>' : '=';
    const [col, c] = typeof constantOf(r) === 'string' ? [l, constantOf(r) as string] : [r, constantOf(l)];
    if (col.raw && typeof c === 'string')
      return onRaw(col.raw, (v) => `${v} ${op} ${quoteString(c)}`, negate ? c !== '' : c === '');
    return { sql: `(${l.sql} ${op} ${r.sql})`, type: 'bool' };
  }
  const bothNull = `${l.sql} IS NULL AND ${r.sql} IS NULL`;
  const compare = negate
    ? `(${l.sql} IS DISTINCT FROM ${r.sql})`
    : `(${l.sql} IS NOT DISTINCT FROM ${r.sql})`;
  const lc = constantOf(l);
  const rc = constantOf(r);
  if ((lc !== undefined && lc !== null) || (rc !== undefined && rc !== null))
    return { sql: compare, type: 'bool' };
  return { sql: `(CASE WHEN ${bothNull} THEN NULL ELSE ${compare} END)`, type: 'bool' };
}

/**
 * A dynamic value compared with a typed one takes that type (Kusto compares the values, not their
 * JSON text); two dynamic values compare as JSON.
 */
function comparable(l: SqlExpr, r: SqlExpr, node: Node, ctx: Context): [SqlExpr, SqlExpr] {
  if ((l.type === 'dynamic') === (r.type === 'dynamic')) return [l, r];
  const [dyn, typed] = l.type === 'dynamic' ? [l, r] : [r, l];
  const value = dynamicAs(dyn, typed.type);
  if (!value) throw ctx.source.unsupported(node, `comparison of dynamic with ${typed.type}`);
  return l.type === 'dynamic' ? [value, r] : [l, value];
}

/** A dynamic (JSON) value read as a scalar type; null when it does not convert. */
function dynamicAs(e: SqlExpr, type: KqlType): SqlExpr | undefined {
  const text = `json_extract_string(${jsonSql(e)}, '$')`;
  switch (type) {
    case 'string':
      return { sql: `COALESCE(${text}, '')`, type };
    case 'int':
    case 'long':
    case 'real':
    case 'bool':
      return {
        sql: `TRY_CAST(${text} AS ${duckType(type === 'int' || type === 'long' ? 'real' : type)})`,
        type: type === 'bool' ? 'bool' : 'real',
      };
    case 'datetime':
      return { sql: `CAST(TRY_CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`, type };
    default:
      return undefined;
  }
}

function arithmetic(node: Node, kind: string, scope: Scope, ctx: Context): SqlExpr {
  const l = scalar(node.Left, scope, ctx);
  const r = scalar(node.Right, scope, ctx);
  if (l.type === 'dynamic' || r.type === 'dynamic')
    throw ctx.source.unsupported(
      node,
      `arithmetic on a dynamic value '${ctx.source.snippet(node)}'`,
      'convert it first, e.g. toint()/toreal()',
    );
  const type = analyzedType(node);
  if (!type || type === 'dynamic' || type === 'string')
    throw ctx.source.unsupported(node, `arithmetic '${ctx.source.snippet(node)}'`);
  const integral = (t: KqlType) => t === 'int' || t === 'long';
  const timeLike = (t: KqlType) => t === 'datetime' || t === 'timespan';
  switch (kind) {
    case 'AddExpression':
      return { sql: `(${l.sql} + ${r.sql})`, type };
    case 'SubtractExpression':
      return { sql: `(${l.sql} - ${r.sql})`, type };
    case 'MultiplyExpression':
      if (timeLike(l.type) || timeLike(r.type)) {
        const [span, factor] = l.type === 'timespan' ? [l, r] : [r, l];
        return {
          sql: `to_microseconds(CAST(epoch_us(${span.sql}) * ${factor.sql} AS BIGINT))`,
          type: 'timespan',
        };
      }
      return { sql: `(${l.sql} * ${r.sql})`, type };
    case 'DivideExpression':
      if (l.type === 'timespan' && r.type === 'timespan')
        return { sql: `(CAST(epoch_us(${l.sql}) AS DOUBLE) / epoch_us(${r.sql}))`, type: 'real' };
      if (timeLike(l.type) || timeLike(r.type))
        throw ctx.source.unsupported(node, `division '${ctx.source.snippet(node)}'`);
      // Kusto divides integers as integers, truncating toward zero.
      if (integral(l.type) && integral(r.type))
        return { sql: `CAST(trunc(${l.sql} / ${r.sql}) AS ${duckType(type)})`, type };
      return { sql: `(CAST(${l.sql} AS DOUBLE) / ${r.sql})`, type };
    default:
      if (!integral(l.type) || !integral(r.type))
        throw ctx.source.unsupported(node, `modulo on ${l.type}/${r.type}`);
      // Kusto's modulo is never negative: 0 <= N % D < abs(D), so -14 % 12 is 10 (SQL gives -2).
      return { sql: `(((${l.sql} % ${r.sql}) + abs(${r.sql})) % abs(${r.sql}))`, type };
  }
}

/** The right side of in/!in/has_any: scalars and constant dynamic arrays flattened, or a subquery. */
function listOperands(listNode: Node, scope: Scope, ctx: Context): { values: SqlExpr[]; subquery?: string } {
  const items = elements(listNode.Expressions);
  if (items.length === 1 && isTabularNode(items[0])) {
    const rel = ctx.tabular(items[0]);
    if (rel.columns.length === 0) throw ctx.source.unsupported(items[0], 'tabular operand without columns');
    const first = rel.columns[0];
    return { values: [], subquery: `SELECT ${quoteIdent(first.name)} FROM ${rel.from}` };
  }
  const values: SqlExpr[] = [];
  for (const item of items) {
    const expr = scalar(item, scope, ctx);
    const c = constantOf(expr);
    if (expr.type === 'dynamic') {
      if (!Array.isArray(c))
        throw ctx.source.unsupported(item, `non-constant dynamic operand '${ctx.source.snippet(item)}'`);
      for (const v of c) values.push(jsonScalarLiteral(v));
    } else values.push(expr);
  }
  return { values };
}

function isTabularNode(node: Node): boolean {
  const rt = node.ResultType;
  return Boolean(rt?.Columns) && rt?.constructor?.$$name?.endsWith('TableSymbol');
}

/** A JSON array element as a typed literal. */
function jsonScalarLiteral(v: unknown): SqlExpr {
  if (typeof v === 'string') return literal(v, 'string');
  if (typeof v === 'number') return literal(v, Number.isInteger(v) ? 'long' : 'real');
  if (typeof v === 'boolean') return literal(v, 'bool');
  if (v === null) return literal(null, 'string');
  return dynamicLiteral(v);
}

function inList(node: Node, kind: string, scope: Scope, ctx: Context): SqlExpr {
  const caseInsensitive = kind === 'InCsExpression' || kind === 'NotInCsExpression'; // InCs is `in~`
  const negate = kind.startsWith('Not');
  const left = scalar(node.Left, scope, ctx);
  const { values, subquery } = listOperands(node.Right, scope, ctx);
  let l = left.type === 'dynamic' ? asString(left) : left.sql;
  if (left.type === 'string' || caseInsensitive) l = caseInsensitive ? `lower(${asString(left)})` : left.sql;
  let test: string;
  if (subquery) {
    const sub = caseInsensitive ? `SELECT lower(CAST(v AS VARCHAR)) FROM (${subquery}) AS s(v)` : subquery;
    test = `${l} IN (${sub})`;
  } else {
    if (values.length === 0) return { sql: negate ? 'true' : 'false', type: 'bool' };
    const constants = values.map(constantOf);
    if (left.raw && constants.every((c) => typeof c === 'string')) {
      const wanted = (constants as string[]).map((c) => (caseInsensitive ? c.toLowerCase() : c));
      const list = [...new Set(wanted)].map(quoteString).join(', ');
      const found = onRaw(
        left.raw,
        (v) => `${caseInsensitive ? `lower(${v})` : v} IN (${list})`,
        wanted.includes(''),
      );
      return negate ? { sql: `(NOT ${found.sql})`, type: 'bool' } : found;
    }
    const rendered = values.map((v) => {
      if (!caseInsensitive) return left.type === 'string' ? asString(v) : v.sql;
      const c = constantOf(v);
      return typeof c === 'string' ? quoteString(c.toLowerCase()) : `lower(${asString(v)})`;
    });
    test = `${l} IN (${rendered.join(', ')})`;
  }
  // Kusto: a null left side is "not in" anything.
  if (negate) return { sql: `(${left.sql} IS NULL OR NOT (${test}))`, type: 'bool' };
  return { sql: `(${test})`, type: 'bool' };
}

function hasTerms(node: Node, kind: string, scope: Scope, ctx: Context): SqlExpr {
  const left = scalar(node.Left, scope, ctx);
  const text = left.raw ?? asString(left);
  let needles: unknown[];
  if (kind === 'HasAnyExpression' || kind === 'HasAllExpression') {
    const { values, subquery } = listOperands(node.Right, scope, ctx);
    if (subquery)
      throw ctx.source.unsupported(
        node.Right,
        `tabular operand of ${kind === 'HasAnyExpression' ? 'has_any' : 'has_all'}`,
      );
    needles = values.map((v) => {
      const c = constantOf(v);
      if (c === undefined) throw ctx.source.unsupported(node.Right, 'non-constant has_any/has_all operand');
      return c;
    });
  } else {
    const right = scalar(node.Right, scope, ctx);
    const c = constantOf(right);
    if (c === undefined)
      throw ctx.source.unsupported(
        node.Right,
        `non-constant right side of '${node.Operator?.Text ?? 'has'}'`,
      );
    needles = [c];
  }
  const strings = needles.map((n) => (n === null ? '' : typeof n === 'string' ? n : JSON.stringify(n)));
  for (const s of strings) {
    if (s === '' || hasNoTerm(s))
      throw ctx.source.unsupported(node.Right, `term operand without alphanumeric characters ('${s}')`);
  }
  const caseSensitive = kind === 'HasCsExpression' || kind === 'NotHasCsExpression';
  // Needles always hold a term, so '' (a NULL raw value) never has them.
  const orEmpty = (sql: string) => (left.raw ? `COALESCE(${sql}, false)` : sql);
  if (kind === 'HasAllExpression') {
    const parts = [...new Set(strings)].map((s) => hasAnySql(text, [s], false));
    return { sql: orEmpty(`(${parts.join(' AND ')})`), type: 'bool' };
  }
  const sql = orEmpty(hasAnySql(text, strings, caseSensitive));
  return { sql: kind.startsWith('Not') ? `(NOT ${sql})` : sql, type: 'bool' };
}

/** hasprefix / hassuffix: a term starting (ending) with the needle; single-term needles only. */
function termEdge(node: Node, kind: string, scope: Scope, ctx: Context): SqlExpr {
  const left = scalar(node.Left, scope, ctx);
  const text = left.raw ?? asString(left);
  const needle = constantOf(scalar(node.Right, scope, ctx));
  if (typeof needle !== 'string' || needle === '' || !/^[\p{L}\p{N}]+$/u.test(needle))
    throw ctx.source.unsupported(
      node.Right,
      `${kind.includes('Prefix') ? 'hasprefix' : 'hassuffix'} operand`,
      'a single constant term',
    );
  const guard = '[^\\p{L}\\p{N}]';
  const body = regexEscape(needle);
  const pattern = kind.includes('Prefix') ? `(?i)(?:^|${guard})${body}` : `(?i)${body}(?:${guard}|$)`;
  const match = `regexp_matches(${text}, ${quoteString(pattern)})`;
  const sql = left.raw ? `COALESCE(${match}, false)` : match;
  return { sql: kind.startsWith('Not') ? `(NOT ${sql})` : sql, type: 'bool' };
}

function substringMatch(node: Node, kind: string, scope: Scope, ctx: Context): SqlExpr {
  const caseSensitive = kind.includes('Cs');
  const negate = kind.startsWith('Not');
  const fn = kind.includes('Contains')
    ? 'contains'
    : kind.includes('StartsWith')
      ? 'starts_with'
      : 'ends_with';
  const left = scalar(node.Left, scope, ctx);
  const right = scalar(node.Right, scope, ctx);
  const r = caseSensitive ? asString(right) : lowerString(right);
  const c = constantOf(right);
  let sql: string;
  if (left.raw && typeof c === 'string') {
    // '' contains, starts and ends with only the empty needle.
    sql = onRaw(left.raw, (v) => `${fn}(${caseSensitive ? v : `lower(${v})`}, ${r})`, c === '').sql;
  } else {
    sql = `${fn}(${caseSensitive ? asString(left) : `lower(${asString(left)})`}, ${r})`;
  }
  return { sql: negate ? `(NOT ${sql})` : sql, type: 'bool' };
}

/** `d.key`, `d["key"]`, `arr[i]` on dynamic values (JSON), or on list-held arrays. */
function dynamicAccess(node: Node, scope: Scope, ctx: Context): SqlExpr {
  const base = scalar(node.Expression, scope, ctx);
  if (base.type !== 'dynamic') throw ctx.source.unsupported(node, `member access on ${base.type}`);
  const selectorNode = kindOf(node) === 'PathExpression' ? node.Selector : node.Selector.Expression;
  let keySql: string;
  if (kindOf(node) === 'PathExpression') {
    const name =
      selectorNode.SimpleName ?? selectorNode.ReferencedSymbol?.Name ?? ctx.source.snippet(selectorNode);
    keySql = quoteString(`$.${jsonKey(String(name))}`);
  } else {
    const sel = scalar(selectorNode, scope, ctx);
    const c = constantOf(sel);
    if (typeof c === 'string') keySql = quoteString(`$.${jsonKey(c)}`);
    else if (typeof c === 'number') {
      keySql = quoteString(c < 0 ? `$[#${c}]` : `$[${c}]`);
    } else if (sel.type === 'int' || sel.type === 'long') {
      keySql = `(CASE WHEN ${sel.sql} < 0 THEN '$[#' || ${sel.sql} || ']' ELSE '$[' || ${sel.sql} || ']' END)`;
    } else if (sel.type === 'string') keySql = `('$."' || replace(${sel.sql}, '"', '\\"') || '"')`;
    else throw ctx.source.unsupported(selectorNode, `index of type ${sel.type}`);
  }
  return { sql: `json_extract(${jsonSql(base)}, ${keySql})`, type: 'dynamic' };
}

function jsonKey(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
