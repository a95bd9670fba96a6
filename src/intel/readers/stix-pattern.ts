/**
 * A small parser for STIX 2.1 patterning, enough to pull indicator values out of `[...]`
 * observation expressions: comparisons joined by AND/OR (with parentheses), `=` and `IN`,
 * qualifiers (WITHIN, REPEATS, START/STOP) skipped. Each observation is turned into OR'd
 * conjunctions so `network-traffic:dst_ref.value` and `network-traffic:dst_port` in one
 * conjunction can be paired into ip:port.
 */

export interface Comparison {
  /** Object type, e.g. `ipv4-addr`, `network-traffic`, `file`. */
  objectType: string;
  /** Property path with quoted keys unquoted: `value`, `dst_ref.value`, `hashes.SHA-256`. */
  path: string;
  operator: string;
  negated: boolean;
  values: (string | number | boolean)[];
}

/** One observation expression as alternatives; each alternative is a list of AND'd comparisons. */
export type Alternatives = Comparison[][];

type Token =
  | { kind: 'punct'; text: string }
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; value: number };

const MAX_ALTERNATIVES = 1000;

export class PatternError extends Error {}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) throw new PatternError('unterminated string');
        const d = pattern[i];
        if (d === '\\' && i + 1 < pattern.length) {
          text += pattern[i + 1];
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          text += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', text });
    } else if ('[]()=,:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '!' || c === '<' || c === '>') {
      const two = pattern.slice(i, i + 2);
      const op = two === '!=' || two === '<=' || two === '>=' ? two : c;
      tokens.push({ kind: 'punct', text: op });
      i += op.length;
    } else if (/[-\d]/.test(c) && /^-?\d/.test(pattern.slice(i, i + 2))) {
      const m = /^-?\d+(?:\.\d+)?/.exec(pattern.slice(i))!;
      tokens.push({ kind: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_.]/.test(c)) {
      const m = /^[A-Za-z_.][A-Za-z0-9_\-.*]*/.exec(pattern.slice(i))!;
      // t'…', h'…', b'…' typed literals: keep the string, drop the prefix.
      if (/^[thb]$/.test(m[0]) && pattern[i + 1] === "'") {
        i++;
        continue;
      }
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      throw new PatternError(`unexpected character '${c}'`);
    }
  }
  return tokens;
}

/** Parses a pattern into its observations' alternatives. Throws PatternError on bad syntax. */
export function parsePattern(pattern: string): Alternatives[] {
  const tokens = tokenize(pattern);
  let pos = 0;
  const observations: Alternatives[] = [];
  const peek = () => tokens[pos];
  const isPunct = (text: string) => peek()?.kind === 'punct' && (peek() as { text: string }).text === text;
  const isWord = (text: string) =>
    peek()?.kind === 'word' && (peek() as { text: string }).text.toUpperCase() === text;
  const expect = (text: string) => {
    if (!isPunct(text)) throw new PatternError(`expected '${text}'`);
    pos++;
  };

  function orExpr(): Alternatives {
    let result = andExpr();
    while (isWord('OR')) {
      pos++;
      result = [...result, ...andExpr()];
      if (result.length > MAX_ALTERNATIVES) throw new PatternError('pattern has too many alternatives');
    }
    return result;
  }
  function andExpr(): Alternatives {
    let result = primary();
    while (isWord('AND')) {
      pos++;
      const right = primary();
      const product: Alternatives = [];
      for (const a of result) for (const b of right) product.push([...a, ...b]);
      if (product.length > MAX_ALTERNATIVES) throw new PatternError('pattern has too many alternatives');
      result = product;
    }
    return result;
  }
  function primary(): Alternatives {
    if (isPunct('(')) {
      pos++;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    return [[comparison()]];
  }
  function comparison(): Comparison {
    const typeTok = peek();
    if (typeTok?.kind !== 'word') throw new PatternError('expected an object type');
    pos++;
    expect(':');
    const path: string[] = [];
    let raw = '';
    for (;;) {
      const t = peek();
      if (
        t?.kind === 'word' &&
        !isOperatorWord(t.text) &&
        (raw === '' || raw.endsWith('.') || t.text.startsWith('.'))
      ) {
        raw += t.text;
        pos++;
      } else if (t?.kind === 'string' && raw.endsWith('.')) {
        raw += t.text.replaceAll('.', '\u0000');
        pos++;
      } else if (isPunct('[') && raw !== '') {
        // list index such as [*] or [0]
        while (peek() && !isPunct(']')) pos++;
        expect(']');
      } else break;
    }
    for (const piece of raw.split('.')) if (piece !== '') path.push(piece.replaceAll('\u0000', '.'));
    if (path.length === 0) throw new PatternError('expected a property path');
    let negated = false;
    if (isWord('NOT')) {
      negated = true;
      pos++;
    }
    const opTok = peek();
    if (!opTok || (opTok.kind !== 'punct' && opTok.kind !== 'word'))
      throw new PatternError('expected an operator');
    const operator = opTok.text.toUpperCase();
    pos++;
    const values: (string | number | boolean)[] = [];
    if (operator === 'IN') {
      expect('(');
      for (;;) {
        values.push(literal());
        if (isPunct(',')) {
          pos++;
          continue;
        }
        break;
      }
      expect(')');
    } else {
      values.push(literal());
    }
    return { objectType: typeTok.text.toLowerCase(), path: path.join('.'), operator, negated, values };
  }
  function literal(): string | number | boolean {
    const t = peek();
    pos++;
    if (t?.kind === 'string') return t.text;
    if (t?.kind === 'number') return t.value;
    if (t?.kind === 'word' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
    throw new PatternError('expected a value');
  }
  function observationExpr(): void {
    if (isPunct('(')) {
      pos++;
      observationExpr();
      while (isWord('AND') || isWord('OR') || isWord('FOLLOWEDBY')) {
        pos++;
        observationExpr();
      }
      expect(')');
    } else {
      expect('[');
      observations.push(orExpr());
      expect(']');
    }
    skipQualifiers();
  }
  function skipQualifiers(): void {
    while (
      isWord('WITHIN') ||
      isWord('REPEATS') ||
      isWord('START') ||
      isWord('STOP') ||
      isWord('SECONDS') ||
      isWord('TIMES')
    ) {
      pos++;
      const t = peek();
      if (t && (t.kind === 'number' || t.kind === 'string')) pos++;
      if (isWord('SECONDS') || isWord('TIMES')) pos++;
    }
  }

  observationExpr();
  while (pos < tokens.length) {
    if (isWord('AND') || isWord('OR') || isWord('FOLLOWEDBY')) {
      pos++;
      observationExpr();
    } else throw new PatternError('unexpected text after the pattern');
  }
  return observations;
}

function isOperatorWord(text: string): boolean {
  return /^(NOT|IN|LIKE|MATCHES|ISSUBSET|ISSUPERSET|AND|OR)$/i.test(text);
}
