/**
 * A small Suricata rule grammar check for the tests: header (action, protocol, addresses, ports,
 * direction), option syntax (`keyword;` or `keyword:value;`), balanced quotes, only `\"` `\;` `\\`
 * escapes inside quoted values, well-formed `|hex|` in contents, known keywords, content modifiers
 * after a content, required msg/sid/rev, unique sids. Throws with the reason on the first error.
 */

export interface ParsedOption {
  keyword: string;
  /** Raw value text (still quoted/escaped), or null for flag keywords like `nocase;`. */
  value: string | null;
}

export interface ParsedRule {
  action: string;
  protocol: string;
  source: string;
  sourcePort: string;
  direction: string;
  destination: string;
  destinationPort: string;
  options: ParsedOption[];
}

const ACTIONS = new Set(['alert', 'pass', 'drop', 'reject', 'rejectsrc', 'rejectdst', 'rejectboth']);
const PROTOCOLS = new Set([
  'ip',
  'tcp',
  'udp',
  'icmp',
  'dns',
  'tls',
  'http',
  'http1',
  'http2',
  'smb',
  'ftp',
  'smtp',
]);
const VALUE_KEYWORDS = new Set([
  'msg',
  'content',
  'sid',
  'rev',
  'classtype',
  'metadata',
  'reference',
  'flow',
  'filemd5',
  'filesha1',
  'filesha256',
  'priority',
]);
const FLAG_KEYWORDS = new Set([
  'nocase',
  'endswith',
  'startswith',
  'dotprefix',
  'dns.query',
  'tls.sni',
  'http.host',
  'http.uri',
  'http.uri.raw',
]);
const CONTENT_MODIFIERS = new Set(['nocase', 'endswith', 'startswith']);

const ADDRESS =
  /^!?(any|\$[A-Z_]+|\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/\d{1,3})?|\[[^\]\s]+\])$/;
const PORT = /^!?(any|\$[A-Z_]+|\d{1,5}(:\d{0,5})?|\[[^\]\s]+\])$/;

function splitOptions(body: string): ParsedOption[] {
  const options: ParsedOption[] = [];
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ') i++;
    if (i >= body.length) break;
    const keywordMatch = /^[a-z0-9_.]+/.exec(body.slice(i));
    if (!keywordMatch) throw new Error(`bad option keyword at ${i}: ${body.slice(i, i + 20)}`);
    const keyword = keywordMatch[0];
    i += keyword.length;
    if (body[i] === ';') {
      options.push({ keyword, value: null });
      i++;
      continue;
    }
    if (body[i] !== ':') throw new Error(`expected ':' or ';' after ${keyword}`);
    i++;
    let value = '';
    let inQuotes = false;
    let closedQuotes = false;
    for (;;) {
      if (i >= body.length)
        throw new Error(
          `option ${keyword} is not terminated by ';'${inQuotes ? ' (unbalanced quotes)' : ''}`,
        );
      const ch = body[i];
      if (inQuotes) {
        if (ch === '\\') {
          const next = body[i + 1];
          if (next !== '"' && next !== ';' && next !== '\\')
            throw new Error(`bad escape \\${next} in ${keyword}`);
          value += ch + next;
          i += 2;
          continue;
        }
        if (ch === ';') throw new Error(`unescaped ';' inside the quoted value of ${keyword}`);
        if (ch === '"') {
          inQuotes = false;
          closedQuotes = true;
        }
        value += ch;
        i++;
        continue;
      }
      if (ch === ';') {
        i++;
        break;
      }
      if (ch === '"') {
        if (value.trim() !== '' || closedQuotes) throw new Error(`stray '"' in ${keyword}`);
        inQuotes = true;
      } else if (closedQuotes && ch !== ' ') {
        throw new Error(`text after the closing quote of ${keyword}`);
      } else if (ch === '\\') {
        throw new Error(`backslash outside quotes in ${keyword}`);
      }
      value += ch;
      i++;
    }
    options.push({ keyword, value: value.trim() });
  }
  return options;
}

/** The bytes a content value matches, after unescaping and hex decoding. */
export function contentBytes(quoted: string): Buffer {
  if (!quoted.startsWith('"') || !quoted.endsWith('"') || quoted.length < 2)
    throw new Error(`content not quoted: ${quoted}`);
  const inner = quoted.slice(1, -1);
  const bytes: number[] = [];
  let i = 0;
  while (i < inner.length) {
    const ch = inner[i];
    if (ch === '\\') {
      bytes.push(inner.charCodeAt(i + 1));
      i += 2;
    } else if (ch === '|') {
      const end = inner.indexOf('|', i + 1);
      if (end < 0) throw new Error('unbalanced | in content');
      const hex = inner.slice(i + 1, end).trim();
      if (!/^([0-9A-Fa-f]{2})( ?[0-9A-Fa-f]{2})*$/.test(hex)) throw new Error(`bad hex in content: |${hex}|`);
      for (const pair of hex.replace(/ /g, '').match(/../g) ?? []) bytes.push(Number.parseInt(pair, 16));
      i = end + 1;
    } else {
      const code = inner.charCodeAt(i);
      if (code < 0x20 || code > 0x7e)
        throw new Error(`raw non-printable character in content (code ${code})`);
      bytes.push(code);
      i++;
    }
  }
  return Buffer.from(bytes);
}

/** The text of a quoted option (msg), unescaped. */
export function unquote(quoted: string): string {
  if (!quoted.startsWith('"') || !quoted.endsWith('"')) throw new Error(`not quoted: ${quoted}`);
  return quoted.slice(1, -1).replace(/\\(["\\;])/g, '$1');
}

export function parseRule(line: string): ParsedRule {
  if (/[\r\n]/.test(line)) throw new Error('rule spans lines');
  const open = line.indexOf(' (');
  if (open < 0 || !line.endsWith(')')) throw new Error(`rule has no (options): ${line.slice(0, 120)}`);
  const header = line.slice(0, open).split(' ');
  if (header.length !== 7) throw new Error(`bad rule header: ${line.slice(0, open)}`);
  const [action, protocol, source, sourcePort, direction, destination, destinationPort] = header;
  if (direction !== '->' && direction !== '<>') throw new Error(`bad direction ${direction}`);
  const body = line.slice(open + 2, -1);
  if (!ACTIONS.has(action)) throw new Error(`unknown action ${action}`);
  if (!PROTOCOLS.has(protocol)) throw new Error(`unknown protocol ${protocol}`);
  for (const address of [source, destination])
    if (!ADDRESS.test(address)) throw new Error(`bad address ${address}`);
  for (const port of [sourcePort, destinationPort]) if (!PORT.test(port)) throw new Error(`bad port ${port}`);
  const options = splitOptions(body);
  let lastWasContentOrModifier = false;
  for (const option of options) {
    if (option.value === null) {
      if (!FLAG_KEYWORDS.has(option.keyword)) throw new Error(`unknown flag keyword ${option.keyword}`);
      if (CONTENT_MODIFIERS.has(option.keyword) && !lastWasContentOrModifier) {
        throw new Error(`${option.keyword} does not follow a content`);
      }
      lastWasContentOrModifier = lastWasContentOrModifier && CONTENT_MODIFIERS.has(option.keyword);
      continue;
    }
    if (!VALUE_KEYWORDS.has(option.keyword)) throw new Error(`unknown keyword ${option.keyword}`);
    if (option.keyword === 'content') contentBytes(option.value);
    if (option.keyword === 'msg') unquote(option.value);
    if ((option.keyword === 'sid' || option.keyword === 'rev') && !/^\d+$/.test(option.value)) {
      throw new Error(`${option.keyword} is not a number`);
    }
    if (option.keyword === 'metadata') {
      for (const pair of option.value.split(',')) {
        if (!/^\s*[A-Za-z0-9_.-]+ [A-Za-z0-9_.-]+\s*$/.test(pair))
          throw new Error(`bad metadata pair '${pair}'`);
      }
    }
    lastWasContentOrModifier = option.keyword === 'content';
  }
  for (const required of ['msg', 'sid', 'rev', 'classtype']) {
    if (!options.some((o) => o.keyword === required)) throw new Error(`rule has no ${required}`);
  }
  return { action, protocol, source, sourcePort, direction, destination, destinationPort, options };
}

/** Parses every rule line of a rules file (comments and blank lines skipped); sids must be unique. */
export function parseRulesFile(text: string): ParsedRule[] {
  const rules: ParsedRule[] = [];
  const sids = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    let rule: ParsedRule;
    try {
      rule = parseRule(line);
    } catch (error) {
      throw new Error(`line ${index + 1}: ${(error as Error).message}`);
    }
    const sid = rule.options.find((o) => o.keyword === 'sid')!.value!;
    if (sids.has(sid)) throw new Error(`line ${index + 1}: duplicate sid ${sid}`);
    sids.add(sid);
    rules.push(rule);
  }
  return rules;
}
