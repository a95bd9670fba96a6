/**
 * A minimal Sigma evaluator for the tests: runs a rule's detection against one event (field →
 * string) with Sigma's semantics — case-insensitive wildcards and `\` escapes, `contains`,
 * `startswith`, `endswith`, `cased`, IPv4 `cidr`, maps as AND, lists as OR, and conditions with
 * and / or / not / parentheses. Enough to check that rules mean what huntforge intends.
 */

type Event = Record<string, string | number>;

/** Sigma value → RegExp source, following pySigma's escaping (`\*`, `\?`, `\\`). */
function patternSource(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const next = value[i + 1];
    if (ch === '\\' && (next === '*' || next === '?' || next === '\\')) {
      out += next.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    } else if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** Sigma value → the literal string it stands for (no wildcards); for round-trip checks. */
export function sigmaUnescape(value: string): string {
  return value.replace(/\\([*?\\])/g, '$1');
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function matchValue(
  actual: string | number | undefined,
  expected: string | number,
  modifiers: string[],
): boolean {
  if (actual === undefined) return false;
  const text = String(actual);
  if (modifiers.includes('cidr')) {
    const [net, bits] = String(expected).split('/');
    const a = ipv4ToInt(text);
    const n = ipv4ToInt(net);
    if (a === null || n === null) return false;
    const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
    return (a & mask) >>> 0 === (n & mask) >>> 0;
  }
  if (modifiers.includes('re')) return new RegExp(String(expected)).test(text);
  let source = patternSource(String(expected));
  if (modifiers.includes('contains')) source = `.*${source}.*`;
  else if (modifiers.includes('startswith')) source = `${source}.*`;
  else if (modifiers.includes('endswith')) source = `.*${source}`;
  return new RegExp(`^${source}$`, modifiers.includes('cased') ? 's' : 'is').test(text);
}

function matchMap(map: Record<string, unknown>, event: Event): boolean {
  return Object.entries(map).every(([key, expected]) => {
    const [field, ...modifiers] = key.split('|');
    const values = Array.isArray(expected) ? expected : [expected];
    const test = (v: string | number) => matchValue(event[field], v, modifiers);
    return modifiers.includes('all') ? values.every(test) : values.some(test);
  });
}

function matchSearch(search: unknown, event: Event): boolean {
  if (Array.isArray(search)) return search.some((m) => matchSearch(m, event));
  return matchMap(search as Record<string, unknown>, event);
}

/** Evaluates `detection.condition` (and / or / not / parentheses over identifiers). */
export function sigmaMatches(detection: Record<string, unknown>, event: Event): boolean {
  const tokens = String(detection.condition).match(/\(|\)|[A-Za-z0-9_]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const parseOr = (): boolean => {
    let value = parseAnd();
    while (peek() === 'or') {
      pos++;
      const right = parseAnd();
      value = value || right;
    }
    return value;
  };
  const parseAnd = (): boolean => {
    let value = parseNot();
    while (peek() === 'and') {
      pos++;
      const right = parseNot();
      value = value && right;
    }
    return value;
  };
  const parseNot = (): boolean => {
    if (peek() === 'not') {
      pos++;
      return !parseNot();
    }
    if (peek() === '(') {
      pos++;
      const value = parseOr();
      if (tokens[pos++] !== ')') throw new Error('unbalanced parentheses in condition');
      return value;
    }
    const name = tokens[pos++];
    if (!(name in detection) || name === 'condition')
      throw new Error(`condition names unknown identifier ${name}`);
    return matchSearch(detection[name], event);
  };
  const result = parseOr();
  if (pos !== tokens.length) throw new Error(`trailing tokens in condition: ${tokens.slice(pos).join(' ')}`);
  return result;
}
