/** KQL scalar functions → DuckDB SQL. A function or argument form not listed here is refused by name. */
import type { KqlType } from '../../schemas/tables.js';
import type { Context, Scope } from './context.js';
import { ipv4NumberSql, ipv4Range, PRIVATE_IPV4_RANGES, parseIpv4Sql } from './ipv4.js';
import { ipv6HexSql, ipv6InRangeSql, ipv6Range } from './ipv6.js';
import type { SqlExpr } from './model.js';
import { asString, constantOf, jsonSql, literal, scalar, toStringSql } from './scalar.js';
import { duckType, quoteString, timestampLiteral } from './sql.js';
import { analyzedType, elements, type Node } from './syntax.js';
import { strftimeFormat } from './time.js';

/** Microseconds from 0001-01-01 (Kusto's tick origin) to the Unix epoch. */
const KUSTO_EPOCH_OFFSET_US = 62135596800000000n;

interface Call {
  node: Node;
  name: string;
  args: Node[];
  scope: Scope;
  ctx: Context;
  arg(i: number): SqlExpr;
  /** The analyzer's result type of the call. */
  type: KqlType | undefined;
  unsupported(detail: string, at?: Node): Error;
}

type Translator = (call: Call) => SqlExpr;

export function callFunction(node: Node, scope: Scope, ctx: Context): SqlExpr {
  const name: string = (node.Name?.SimpleName ?? node.ReferencedSymbol?.Name ?? '').toLowerCase();
  const args = elements(node.ArgumentList?.Expressions);
  const cache = new Map<number, SqlExpr>();
  const call: Call = {
    node,
    name,
    args,
    scope,
    ctx,
    arg(i) {
      let hit = cache.get(i);
      if (!hit) {
        hit = scalar(args[i], scope, ctx);
        cache.set(i, hit);
      }
      return hit;
    },
    type: analyzedType(node),
    unsupported: (detail, at) => ctx.source.unsupported(at ?? node, `function ${name}()`, detail),
  };
  const translate = FUNCTIONS[name];
  if (!translate) throw ctx.source.unsupported(node, `function ${name}()`);
  return translate(call);
}

function arity(call: Call, min: number, max = min): void {
  if (call.args.length < min || call.args.length > max)
    throw call.unsupported(
      `${call.args.length} argument(s); supported: ${min === max ? min : `${min}-${max}`}`,
    );
}

function constArg(call: Call, i: number, what: string): unknown {
  const c = constantOf(call.arg(i));
  if (c === undefined) throw call.unsupported(`${what} must be a constant`, call.args[i]);
  return c;
}

const str = (sql: string): SqlExpr => ({ sql, type: 'string' });
const bool = (sql: string): SqlExpr => ({ sql, type: 'bool' });

function nowMicros(ctx: Context): number {
  return ctx.now.getTime() * 1000;
}

function shiftedNow(call: Call, sign: 1 | -1): SqlExpr {
  const now = nowMicros(call.ctx);
  if (call.args.length === 0) return literal(call.ctx.now, 'datetime');
  const span = call.arg(0);
  const c = constantOf(span);
  if (typeof c === 'number') return literal(new Date((now + sign * c) / 1000), 'datetime');
  if (span.type !== 'timespan') throw call.unsupported(`argument of type ${span.type}`);
  return { sql: `(${timestampLiteral(call.ctx.now)} ${sign > 0 ? '+' : '-'} ${span.sql})`, type: 'datetime' };
}

/** bin()/floor(): rounds down to a multiple of a constant size; datetimes align on Kusto's tick origin. */
function bin(call: Call): SqlExpr {
  arity(call, 2);
  const value = call.arg(0);
  const size = constArg(call, 1, 'bin size');
  if (typeof size !== 'number') throw call.unsupported('bin size must be a number or timespan');
  if (size <= 0) return literal(null, value.type);
  if (value.type === 'datetime') {
    if (call.arg(1).type !== 'timespan') throw call.unsupported('datetime bin needs a timespan size');
    const b = BigInt(Math.trunc(size));
    return {
      sql: `make_timestamp(((epoch_us(${value.sql}) + ${KUSTO_EPOCH_OFFSET_US}) // ${b}) * ${b} - ${KUSTO_EPOCH_OFFSET_US})`,
      type: 'datetime',
    };
  }
  if (value.type === 'timespan') {
    const b = Math.trunc(size);
    return {
      sql: `to_microseconds(CAST(floor(epoch_us(${value.sql}) / ${b}) * ${b} AS BIGINT))`,
      type: 'timespan',
    };
  }
  if (value.type === 'int' || value.type === 'long' || value.type === 'real') {
    const type = call.type ?? value.type;
    const rounded = `floor(${value.sql} / ${size}) * ${size}`;
    return {
      sql: type === 'real' ? `CAST(${rounded} AS DOUBLE)` : `CAST(${rounded} AS ${duckType(type)})`,
      type,
    };
  }
  throw call.unsupported(`bin of ${value.type}`);
}

function toNumber(call: Call, type: 'int' | 'long' | 'real'): SqlExpr {
  arity(call, 1);
  const v = call.arg(0);
  const target = duckType(type);
  switch (v.type) {
    case 'string':
      return { sql: `TRY_CAST(trim(${v.sql}) AS ${target})`, type };
    case 'real':
    case 'decimal':
      return { sql: type === 'real' ? v.sql : `TRY_CAST(trunc(${v.sql}) AS ${target})`, type };
    case 'int':
    case 'long':
      return { sql: `CAST(${v.sql} AS ${target})`, type };
    case 'bool':
      return { sql: `CAST(${v.sql} AS ${target})`, type };
    case 'dynamic':
      return { sql: `TRY_CAST(json_extract_string(${jsonSql(v)}, '$') AS ${target})`, type };
    case 'datetime':
      if (type === 'long') return { sql: `((epoch_us(${v.sql}) + ${KUSTO_EPOCH_OFFSET_US}) * 10)`, type };
      break;
    case 'timespan':
      if (type === 'long') return { sql: `(epoch_us(${v.sql}) * 10)`, type };
      break;
  }
  throw call.unsupported(`conversion from ${v.type}`);
}

function toDatetime(call: Call): SqlExpr {
  arity(call, 1);
  const v = call.arg(0);
  if (v.type === 'datetime') return v;
  const text =
    v.type === 'dynamic'
      ? `json_extract_string(${jsonSql(v)}, '$')`
      : v.type === 'string'
        ? v.sql
        : undefined;
  if (!text) throw call.unsupported(`conversion from ${v.type}`);
  // TIMESTAMPTZ parses zone suffixes (Z, +02:00); the session runs in UTC, so the cast back is UTC.
  return { sql: `CAST(TRY_CAST(NULLIF(${text}, '') AS TIMESTAMPTZ) AS TIMESTAMP)`, type: 'datetime' };
}

function trimFunction(call: Call, start: boolean, end: boolean): SqlExpr {
  arity(call, 2);
  const pattern = constArg(call, 0, 'trim pattern');
  if (typeof pattern !== 'string') throw call.unsupported('trim pattern must be a string');
  let sql = asString(call.arg(1));
  if (start) sql = `regexp_replace(${sql}, ${quoteString(`^(?:${pattern})+`)}, '')`;
  if (end) sql = `regexp_replace(${sql}, ${quoteString(`(?:${pattern})+$`)}, '')`;
  return str(sql);
}

/** A dynamic array as a DuckDB list (JSON arrays become JSON[]). */
function asList(expr: SqlExpr): { sql: string; element: string } {
  if (expr.list) return { sql: expr.sql, element: expr.list };
  if (expr.type !== 'dynamic') throw new Error('asList on non-dynamic');
  return { sql: `CAST(${expr.sql} AS JSON[])`, element: 'JSON' };
}

function requireDynamic(call: Call, i: number): SqlExpr {
  const v = call.arg(i);
  if (v.type !== 'dynamic')
    throw call.unsupported(`argument ${i + 1} must be dynamic, got ${v.type}`, call.args[i]);
  return v;
}

/** Kusto array index (0-based, negative from the end) → DuckDB 1-based list position. */
function listPosition(index: string, lengthSql: string): string {
  return `(CASE WHEN ${index} < 0 THEN ${lengthSql} + ${index} ELSE ${index} END)`;
}

function arraySlice(call: Call): SqlExpr {
  arity(call, 3);
  const list = asList(requireDynamic(call, 0));
  const len = `len(${list.sql})`;
  const start = listPosition(call.arg(1).sql, len);
  const end = listPosition(call.arg(2).sql, len);
  return {
    sql: `(CASE WHEN ${end} < 0 THEN list_slice(${list.sql}, 1, 0) ELSE list_slice(${list.sql}, GREATEST(${start}, 0) + 1, ${end} + 1) END)`,
    type: 'dynamic',
    list: list.element,
  };
}

function strcatArray(call: Call): SqlExpr {
  arity(call, 2);
  const list = asList(requireDynamic(call, 0));
  const delim = asString(call.arg(1));
  const items =
    list.element === 'JSON'
      ? `list_transform(${list.sql}, x -> COALESCE(json_extract_string(x, '$'), ''))`
      : list.sql;
  return str(`COALESCE(array_to_string(${items}, ${delim}), '')`);
}

function conditional(call: Call, pairs: [string, SqlExpr][], otherwise: SqlExpr): SqlExpr {
  const branches = [...pairs.map(([, v]) => v), otherwise];
  const type = call.type ?? otherwise.type;
  const mixedLists = type === 'dynamic' && new Set(branches.map((b) => b.list ?? 'JSON')).size > 1;
  const render = (v: SqlExpr) => (mixedLists ? jsonSql(v) : type === 'string' ? asString(v) : v.sql);
  const list = type === 'dynamic' && !mixedLists ? branches[0].list : undefined;
  return {
    sql: `(CASE ${pairs.map(([c, v]) => `WHEN ${c} THEN ${render(v)}`).join(' ')} ELSE ${render(otherwise)} END)`,
    type,
    list,
  };
}

function isEmpty(v: SqlExpr): string {
  if (v.type === 'string') return `(COALESCE(${v.sql}, '') = '')`;
  if (v.type === 'dynamic')
    return `(${v.sql} IS NULL OR json_type(${jsonSql(v)}) = 'NULL' OR ${jsonSql(v)} = '""')`;
  return `(${v.sql} IS NULL)`;
}

function isNull(v: SqlExpr): string {
  if (v.type === 'string') return 'false'; // KQL strings are never null
  if (v.type === 'dynamic') return `(${v.sql} IS NULL OR json_type(${jsonSql(v)}) = 'NULL')`;
  return `(${v.sql} IS NULL)`;
}

function ipv4InRange(ipSql: string, range: { low: number; high: number }): string {
  return `(${ipv4NumberSql(ipSql)} BETWEEN ${range.low} AND ${range.high})`;
}

const URL_PATTERN =
  '^([A-Za-z][A-Za-z0-9+.\\-]*)://(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\\[[^\\]]*\\]|[^:/?#]*)(?::([0-9]*))?([^?#]*)(?:\\?([^#]*))?(?:#(.*))?$';

function parseUrl(call: Call): SqlExpr {
  arity(call, 1);
  const url = asString(call.arg(0));
  const group = (i: number) => `regexp_extract(${url}, ${quoteString(URL_PATTERN)}, ${i})`;
  const pairs = `list_filter(string_split(${group(7)}, '&'), kv -> kv <> '')`;
  const query = `CAST('{' || array_to_string(list_transform(${pairs}, kv -> CAST(to_json(split_part(kv, '=', 1)) AS VARCHAR) || ':' || CAST(to_json(CASE WHEN contains(kv, '=') THEN substr(kv, strpos(kv, '=') + 1) ELSE '' END) AS VARCHAR)), ',') || '}' AS JSON)`;
  return {
    sql: `json_object('Scheme', ${group(1)}, 'Host', ${group(4)}, 'Port', ${group(5)}, 'Path', ${group(6)}, 'Username', ${group(2)}, 'Password', ${group(3)}, 'Query Parameters', ${query}, 'Fragment', ${group(8)})`,
    type: 'dynamic',
  };
}

const DATE_PARTS: Record<string, string> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  day: 'day',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
  millisecond: 'millisecond',
  microsecond: 'microsecond',
};

/** null for text that is not an IPv6 address (as Kusto), else whether any range holds it. */
function ipv6Test(ipSql: string, ranges: { hex: string; prefix: number }[]): SqlExpr {
  const inAny = ranges.length ? ranges.map((r) => ipv6InRangeSql('v6hex', r)).join(' OR ') : 'false';
  return bool(
    `list_transform([${ipv6HexSql(ipSql)}], v6hex -> CASE WHEN v6hex IS NULL THEN NULL ELSE (${inAny}) END)[1]`,
  );
}

const DATE_ADD_UNITS: Record<string, string> = {
  year: 'to_years',
  quarter: 'to_quarters',
  month: 'to_months',
  week: 'to_weeks',
  day: 'to_days',
  hour: 'to_hours',
  minute: 'to_minutes',
  second: 'to_seconds',
  millisecond: 'to_milliseconds',
  microsecond: 'to_microseconds',
};

/** row_number(), prev(), next(): window functions over the serialized (sorted) row order. */
function serialized(call: Call): void {
  if (!call.scope.ordered) throw call.unsupported('needs serialized rows (sort, top or serialize first)');
}

function neighbour(call: Call, fn: 'lag' | 'lead'): SqlExpr {
  arity(call, 1, 3);
  serialized(call);
  const v = call.arg(0);
  const offset = call.args.length >= 2 ? Number(constArg(call, 1, 'offset')) : 1;
  if (!Number.isInteger(offset) || offset < 0)
    throw call.unsupported('offset must be a non-negative integer constant');
  const fallback = call.args.length === 3 ? `, ${call.arg(2).sql}` : '';
  const sql = `${fn}(${v.sql}, ${offset}${fallback}) OVER (ORDER BY __ord)`;
  return { sql: v.type === 'string' ? `COALESCE(${sql}, '')` : sql, type: v.type, list: v.list };
}

const FUNCTIONS: Record<string, Translator> = {
  row_number: (c) => {
    arity(c, 0, 1);
    serialized(c);
    const start = c.args.length === 1 ? c.arg(0).sql : '1';
    return { sql: `(row_number() OVER (ORDER BY __ord) + ${start} - 1)`, type: 'long' };
  },
  prev: (c) => neighbour(c, 'lag'),
  next: (c) => neighbour(c, 'lead'),
  ago: (c) => {
    arity(c, 1);
    return shiftedNow(c, -1);
  },
  now: (c) => {
    arity(c, 0, 1);
    return shiftedNow(c, 1);
  },
  bin,
  floor: (c) => {
    if (c.args.length === 1) {
      const v = c.arg(0);
      return { sql: `floor(${v.sql})`, type: c.type ?? v.type };
    }
    return bin(c);
  },
  todatetime: toDatetime,
  tostring: (c) => {
    arity(c, 1);
    return str(toStringSql(c.arg(0)));
  },
  toint: (c) => toNumber(c, 'int'),
  tolong: (c) => toNumber(c, 'long'),
  toreal: (c) => toNumber(c, 'real'),
  todouble: (c) => toNumber(c, 'real'),
  tobool: (c) => {
    arity(c, 1);
    const v = c.arg(0);
    if (v.type === 'bool') return v;
    if (v.type === 'string' || v.type === 'dynamic') {
      const text = v.type === 'string' ? v.sql : `json_extract_string(${jsonSql(v)}, '$')`;
      return bool(`(CASE lower(trim(${text})) WHEN 'true' THEN true WHEN 'false' THEN false END)`);
    }
    if (v.type === 'int' || v.type === 'long' || v.type === 'real') return bool(`(${v.sql} <> 0)`);
    throw c.unsupported(`conversion from ${v.type}`);
  },
  toboolean: (c) => FUNCTIONS.tobool(c),
  tolower: (c) => {
    arity(c, 1);
    return str(`lower(${asString(c.arg(0))})`);
  },
  toupper: (c) => {
    arity(c, 1);
    return str(`upper(${asString(c.arg(0))})`);
  },
  strlen: (c) => {
    arity(c, 1);
    return { sql: `CAST(length(${asString(c.arg(0))}) AS BIGINT)`, type: 'long' };
  },
  substring: (c) => {
    arity(c, 2, 3);
    const s = asString(c.arg(0));
    const start = `GREATEST(${c.arg(1).sql}, 0) + 1`;
    return str(
      c.args.length === 3 ? `substr(${s}, ${start}, GREATEST(${c.arg(2).sql}, 0))` : `substr(${s}, ${start})`,
    );
  },
  split: (c) => {
    arity(c, 2);
    return {
      sql: `string_split(${asString(c.arg(0))}, ${asString(c.arg(1))})`,
      type: 'dynamic',
      list: 'VARCHAR',
    };
  },
  strcat: (c) => {
    if (c.args.length === 0) throw c.unsupported('no arguments');
    return str(`concat(${c.args.map((_, i) => asString(c.arg(i))).join(', ')})`);
  },
  strcat_delim: (c) => {
    if (c.args.length < 2) throw c.unsupported('needs a delimiter and values');
    return str(`concat_ws(${c.args.map((_, i) => asString(c.arg(i))).join(', ')})`);
  },
  extract: (c) => {
    arity(c, 3, 4);
    const group = constArg(c, 1, 'capture group');
    const text = asString(c.arg(2));
    const extracted = `regexp_extract(${text}, ${c.arg(0).sql}, ${Number(group)})`;
    if (c.args.length === 3) return str(extracted);
    const type = c.type;
    if (!type || type === 'dynamic') throw c.unsupported('typeof target');
    if (type === 'string') return str(extracted);
    if (type === 'datetime')
      return { sql: `CAST(TRY_CAST(NULLIF(${extracted}, '') AS TIMESTAMPTZ) AS TIMESTAMP)`, type };
    return { sql: `TRY_CAST(NULLIF(${extracted}, '') AS ${duckType(type)})`, type };
  },
  indexof: (c) => {
    arity(c, 2);
    return { sql: `CAST(strpos(${asString(c.arg(0))}, ${asString(c.arg(1))}) - 1 AS BIGINT)`, type: 'long' };
  },
  replace_string: (c) => {
    arity(c, 3);
    return str(`replace(${asString(c.arg(0))}, ${asString(c.arg(1))}, ${asString(c.arg(2))})`);
  },
  trim: (c) => trimFunction(c, true, true),
  trim_start: (c) => trimFunction(c, true, false),
  trim_end: (c) => trimFunction(c, false, true),
  isempty: (c) => {
    arity(c, 1);
    return bool(isEmpty(c.arg(0)));
  },
  isnotempty: (c) => {
    arity(c, 1);
    return bool(`(NOT ${isEmpty(c.arg(0))})`);
  },
  isnull: (c) => {
    arity(c, 1);
    return bool(isNull(c.arg(0)));
  },
  isnotnull: (c) => {
    arity(c, 1);
    return bool(`(NOT ${isNull(c.arg(0))})`);
  },
  iff: (c) => {
    arity(c, 3);
    return conditional(c, [[c.arg(0).sql, c.arg(1)]], c.arg(2));
  },
  iif: (c) => FUNCTIONS.iff(c),
  case: (c) => {
    if (c.args.length < 3 || c.args.length % 2 === 0)
      throw c.unsupported('case() needs condition/value pairs and an else value');
    const pairs: [string, SqlExpr][] = [];
    for (let i = 0; i + 1 < c.args.length; i += 2) pairs.push([c.arg(i).sql, c.arg(i + 1)]);
    return conditional(c, pairs, c.arg(c.args.length - 1));
  },
  not: (c) => {
    arity(c, 1);
    return bool(`(NOT ${c.arg(0).sql})`);
  },
  coalesce: (c) => {
    if (c.args.length < 2) throw c.unsupported('needs at least two arguments');
    const type = c.type ?? c.arg(0).type;
    if (type === 'string')
      return str(`COALESCE(${c.args.map((_, i) => `NULLIF(${asString(c.arg(i))}, '')`).join(', ')}, '')`);
    if (type === 'dynamic')
      return { sql: `COALESCE(${c.args.map((_, i) => jsonSql(c.arg(i))).join(', ')})`, type };
    return { sql: `COALESCE(${c.args.map((_, i) => c.arg(i).sql).join(', ')})`, type };
  },
  parse_json: (c) => {
    arity(c, 1);
    const v = c.arg(0);
    if (v.type === 'dynamic') return v;
    if (v.type !== 'string') return { sql: `to_json(${v.sql})`, type: 'dynamic' };
    // Kusto keeps text that is not valid JSON as a dynamic string.
    return {
      sql: `(CASE WHEN json_valid(${v.sql}) THEN CAST(${v.sql} AS JSON) ELSE to_json(${v.sql}) END)`,
      type: 'dynamic',
    };
  },
  todynamic: (c) => FUNCTIONS.parse_json(c),
  array_length: (c) => {
    arity(c, 1);
    const v = requireDynamic(c, 0);
    if (v.list) return { sql: `CAST(len(${v.sql}) AS BIGINT)`, type: 'long' };
    return {
      sql: `(CASE WHEN json_type(${v.sql}) = 'ARRAY' THEN CAST(json_array_length(${v.sql}) AS BIGINT) END)`,
      type: 'long',
    };
  },
  array_slice: arraySlice,
  strcat_array: strcatArray,
  range: (c) => {
    arity(c, 2, 3);
    for (let i = 0; i < c.args.length; i++) {
      const t = c.arg(i).type;
      if (t !== 'int' && t !== 'long') throw c.unsupported(`range() over ${t} values`, c.args[i]);
    }
    const step = c.args.length === 3 ? c.arg(2).sql : '1';
    return {
      sql: `generate_series(CAST(${c.arg(0).sql} AS BIGINT), CAST(${c.arg(1).sql} AS BIGINT), CAST(${step} AS BIGINT))`,
      type: 'dynamic',
      list: 'BIGINT',
    };
  },
  pack_array: (c) => ({
    sql: `json_array(${c.args.map((_, i) => jsonArgument(c.arg(i))).join(', ')})`,
    type: 'dynamic',
  }),
  bag_pack: (c) => {
    if (c.args.length % 2 !== 0) throw c.unsupported('needs key/value pairs');
    const parts: string[] = [];
    for (let i = 0; i < c.args.length; i += 2) parts.push(asString(c.arg(i)), jsonArgument(c.arg(i + 1)));
    return { sql: `json_object(${parts.join(', ')})`, type: 'dynamic' };
  },
  pack: (c) => FUNCTIONS.bag_pack(c),
  format_datetime: (c) => {
    arity(c, 2);
    const fmt = constArg(c, 1, 'format');
    const duck = typeof fmt === 'string' ? strftimeFormat(fmt) : undefined;
    if (!duck) throw c.unsupported(`format '${String(fmt)}'`, c.args[1]);
    return str(`COALESCE(strftime(${c.arg(0).sql}, ${quoteString(duck)}), '')`);
  },
  startofday: (c) => {
    arity(c, 1);
    return { sql: `CAST(date_trunc('day', ${c.arg(0).sql}) AS TIMESTAMP)`, type: 'datetime' };
  },
  endofday: (c) => {
    arity(c, 1);
    return {
      sql: `(CAST(date_trunc('day', ${c.arg(0).sql}) AS TIMESTAMP) + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND)`,
      type: 'datetime',
    };
  },
  datetime_add: (c) => {
    arity(c, 3);
    const part = String(constArg(c, 0, 'period')).toLowerCase();
    const unit = DATE_ADD_UNITS[part];
    if (!unit) throw c.unsupported(`period '${part}'`, c.args[0]);
    const amount = c.arg(1);
    if (amount.type !== 'int' && amount.type !== 'long')
      throw c.unsupported(`amount of type ${amount.type}`, c.args[1]);
    return { sql: `(${c.arg(2).sql} + ${unit}(CAST(${amount.sql} AS BIGINT)))`, type: 'datetime' };
  },
  hourofday: (c) => {
    arity(c, 1);
    return { sql: `hour(${c.arg(0).sql})`, type: 'int' };
  },
  dayofweek: (c) => {
    arity(c, 1);
    // Kusto: days since the preceding Sunday, as a timespan.
    return { sql: `to_days(CAST(dayofweek(${c.arg(0).sql}) AS INTEGER))`, type: 'timespan' };
  },
  startofweek: (c) => {
    arity(c, 1);
    const d = c.arg(0).sql;
    return {
      sql: `(CAST(CAST(${d} AS DATE) AS TIMESTAMP) - to_days(CAST(dayofweek(${d}) AS INTEGER)))`,
      type: 'datetime',
    };
  },
  startofmonth: (c) => {
    arity(c, 1);
    return { sql: `CAST(date_trunc('month', ${c.arg(0).sql}) AS TIMESTAMP)`, type: 'datetime' };
  },
  startofyear: (c) => {
    arity(c, 1);
    return { sql: `CAST(date_trunc('year', ${c.arg(0).sql}) AS TIMESTAMP)`, type: 'datetime' };
  },
  abs: (c) => {
    arity(c, 1);
    const v = c.arg(0);
    if (v.type === 'timespan') return { sql: `to_microseconds(abs(epoch_us(${v.sql})))`, type: 'timespan' };
    return { sql: `abs(${v.sql})`, type: c.type ?? v.type };
  },
  datetime_diff: (c) => {
    arity(c, 3);
    const part = String(constArg(c, 0, 'period')).toLowerCase();
    if (part === 'nanosecond')
      return { sql: `(date_diff('microsecond', ${c.arg(2).sql}, ${c.arg(1).sql}) * 1000)`, type: 'long' };
    const duck = DATE_PARTS[part];
    if (!duck) throw c.unsupported(`period '${part}'`, c.args[0]);
    return { sql: `CAST(date_diff('${duck}', ${c.arg(2).sql}, ${c.arg(1).sql}) AS BIGINT)`, type: 'long' };
  },
  ipv4_is_in_range: (c) => {
    arity(c, 2);
    const range = constArg(c, 1, 'range');
    const bounds = typeof range === 'string' ? ipv4Range(range) : undefined;
    if (!bounds) throw c.unsupported(`range '${String(range)}'`, c.args[1]);
    return bool(ipv4InRange(asString(c.arg(0)), bounds));
  },
  ipv4_is_in_any_range: (c) => {
    if (c.args.length < 2) throw c.unsupported('needs an address and ranges');
    const ranges: unknown[] = [];
    for (let i = 1; i < c.args.length; i++) {
      const v = constArg(c, i, 'ranges');
      if (Array.isArray(v)) ranges.push(...v);
      else ranges.push(v);
    }
    const ip = asString(c.arg(0));
    const tests = ranges.map((r, i) => {
      const bounds = typeof r === 'string' ? ipv4Range(r) : undefined;
      if (!bounds) throw c.unsupported(`range '${String(r)}'`, c.args[Math.min(i + 1, c.args.length - 1)]);
      return ipv4InRange(ip, bounds);
    });
    return bool(tests.length ? `(${tests.join(' OR ')})` : 'false');
  },
  ipv6_is_in_range: (c) => {
    arity(c, 2);
    const range = constArg(c, 1, 'range');
    const bounds = typeof range === 'string' ? ipv6Range(range) : undefined;
    if (!bounds) throw c.unsupported(`range '${String(range)}'`, c.args[1]);
    return ipv6Test(asString(c.arg(0)), [bounds]);
  },
  ipv6_is_in_any_range: (c) => {
    if (c.args.length < 2) throw c.unsupported('needs an address and ranges');
    const ranges: { hex: string; prefix: number }[] = [];
    for (let i = 1; i < c.args.length; i++) {
      const v = constArg(c, i, 'ranges');
      for (const r of Array.isArray(v) ? v : [v]) {
        const bounds = typeof r === 'string' ? ipv6Range(r) : undefined;
        if (!bounds) throw c.unsupported(`range '${String(r)}'`, c.args[i]);
        ranges.push(bounds);
      }
    }
    return ipv6Test(asString(c.arg(0)), ranges);
  },
  ipv4_is_private: (c) => {
    arity(c, 1);
    const ip = asString(c.arg(0));
    const tests = PRIVATE_IPV4_RANGES.map((r) => ipv4InRange(ip, ipv4Range(r)!));
    return bool(`(${tests.join(' OR ')})`);
  },
  ipv4_is_match: (c) => {
    arity(c, 2, 3);
    const other = constArg(c, 1, 'second address');
    const prefix = c.args.length === 3 ? Number(constArg(c, 2, 'prefix')) : undefined;
    const bounds = typeof other === 'string' ? ipv4Range(other, prefix) : undefined;
    if (!bounds) throw c.unsupported(`address '${String(other)}'`, c.args[1]);
    return bool(ipv4InRange(asString(c.arg(0)), bounds));
  },
  parse_ipv4: (c) => {
    arity(c, 1);
    return { sql: parseIpv4Sql(asString(c.arg(0))), type: 'long' };
  },
  parse_url: parseUrl,
  hash_sha256: (c) => {
    arity(c, 1);
    return str(`sha256(${asString(c.arg(0))})`);
  },
};

/** A value as an element of json_array/json_object: datetimes as ISO text, dynamic as JSON. */
function jsonArgument(v: SqlExpr): string {
  if (v.type === 'dynamic') return jsonSql(v);
  if (v.type === 'datetime') return toStringSql(v);
  if (v.type === 'timespan') return toStringSql(v);
  return v.sql;
}
