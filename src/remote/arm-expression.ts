/**
 * The sliver of ARM template expression language that rule templates use in names and values:
 * string literals, `concat`, `format`, `parameters` (default values, or values given by the
 * caller) and `variables`. Anything else is left as an unresolved `{…}` placeholder.
 */

export interface ArmContext {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
}

/** Evaluates `[expr]` strings (`[[` escapes a literal bracket); other values pass through. */
export function evaluateArmValue(value: unknown, ctx: ArmContext): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('[[')) return value.slice(1);
    if (value.startsWith('[') && value.endsWith(']')) return evaluateExpression(value.slice(1, -1), ctx);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluateArmValue(v, ctx));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateArmValue(v, ctx)]));
  return value;
}

export function evaluateExpression(text: string, ctx: ArmContext): unknown {
  const parser = new Parser(text, ctx);
  const value = parser.expression();
  parser.skipSpace();
  return value;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly ctx: ArmContext,
  ) {}

  skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  expression(): unknown {
    this.skipSpace();
    if (this.text[this.pos] === "'") return this.literal();
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(this.pos));
    if (m) {
      this.pos += m[0].length;
      this.skipSpace();
      if (this.text[this.pos] !== '(') return `{${m[0]}}`;
      this.pos++;
      const args: unknown[] = [];
      this.skipSpace();
      while (this.pos < this.text.length && this.text[this.pos] !== ')') {
        args.push(this.expression());
        this.skipSpace();
        if (this.text[this.pos] === ',') this.pos++;
        else break;
      }
      if (this.text[this.pos] === ')') this.pos++;
      return this.call(m[0], args);
    }
    const num = /^-?\d+/.exec(this.text.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    this.pos = this.text.length;
    return '{?}';
  }

  private literal(): string {
    let out = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++];
      if (ch === "'") {
        if (this.text[this.pos] === "'") {
          out += "'";
          this.pos++;
        } else break;
      } else out += ch;
    }
    return out;
  }

  private call(name: string, args: unknown[]): unknown {
    switch (name.toLowerCase()) {
      case 'concat':
        return args.map((a) => String(a)).join('');
      case 'format':
        return String(args[0] ?? '').replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i) + 1] ?? ''));
      case 'parameters':
        return this.ctx.parameters[String(args[0])] ?? `{${String(args[0])}}`;
      case 'variables':
        return evaluateArmValue(this.ctx.variables[String(args[0])], this.ctx) ?? `{${String(args[0])}}`;
      default:
        return `{${name}}`;
    }
  }
}
