/**
 * Scanners for the double-quoted string literals of SPL and ES|QL text, used by the tests to check
 * that every literal is balanced and unescapes to the value that went in.
 */

export interface ScannedText {
  /** The string literals, unescaped, in order. */
  strings: string[];
  /** The text with every literal replaced by `""`: what is left is query structure. */
  structure: string;
}

/**
 * Scans `"…"` literals with backslash escapes. `escapes` maps the character after a backslash to
 * what it stands for; a backslash before any other character is an error, as is an unterminated
 * literal or (when `rawNewlines` is false) a line break inside one.
 */
function scan(
  text: string,
  escapes: Record<string, string>,
  rawNewlines: boolean,
  commentDelimiter?: string,
): ScannedText {
  const strings: string[] = [];
  let structure = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (commentDelimiter && text.startsWith(commentDelimiter, i)) {
      // A comment outside string literals runs to the next delimiter.
      const end = text.indexOf(commentDelimiter, i + commentDelimiter.length);
      if (end < 0) throw new Error('unterminated comment');
      i = end + commentDelimiter.length;
      continue;
    }
    if (ch !== '"') {
      structure += ch;
      i++;
      continue;
    }
    let value = '';
    i++;
    for (;;) {
      if (i >= text.length) throw new Error('unterminated string literal');
      const c = text[i];
      if (c === '\\') {
        const next = text[i + 1];
        if (!(next in escapes)) throw new Error(`unknown escape \\${next}`);
        value += escapes[next];
        i += 2;
      } else if (c === '"') {
        i++;
        break;
      } else {
        if (!rawNewlines && (c === '\n' || c === '\r')) throw new Error('line break inside a string literal');
        value += c;
        i++;
      }
    }
    strings.push(value);
    structure += '""';
  }
  return { strings, structure };
}

/** SPL search strings: `\\` and `\"` escapes; line breaks are literal text. */
export function scanSpl(text: string): ScannedText {
  return scan(text, { '\\': '\\', '"': '"' }, true, '```');
}

/** ES|QL string literals: `\\ \" \n \r \t` escapes, no raw line breaks. */
export function scanEsql(text: string): ScannedText {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.startsWith('//'))
    .join('\n');
  return scan(withoutComments, { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' }, false);
}
