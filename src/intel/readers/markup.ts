/** Turning HTML and e-mail lines into plain text, one line at a time (so large files stream). */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  period: '.',
  colon: ':',
  sol: '/',
  lsqb: '[',
  rsqb: ']',
  lbrack: '[',
  rbrack: ']',
  commat: '@',
  hellip: '…',
  ndash: '–',
  mdash: '—',
};

/** Decodes HTML character references (`&amp;`, `&#46;`, `&#x2e;`); unknown ones stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const TAG = /<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?\/?>/g;
const CELL_END = /<\/t[dh]\s*>/gi;
const ROW_START = /<tr(?:\s[^<>]*)?>/gi;

/**
 * Strips tags line by line. Table cells become `|`-separated so a one-line `<tr>` reads like a
 * Markdown table row; `<script>`/`<style>` bodies, comments and tags spanning lines are dropped.
 */
export class HtmlLineStripper {
  private inTag = false;
  private inComment = false;
  private inRawText: string | null = null;

  strip(line: string): string {
    let text = line;
    if (this.inComment) {
      const end = text.indexOf('-->');
      if (end < 0) return '';
      text = text.slice(end + 3);
      this.inComment = false;
    }
    if (this.inTag) {
      const end = text.indexOf('>');
      if (end < 0) return '';
      text = text.slice(end + 1);
      this.inTag = false;
    }
    if (this.inRawText) {
      const end = text.toLowerCase().indexOf(`</${this.inRawText}`);
      if (end < 0) return '';
      text = text.slice(end);
      this.inRawText = null;
    }
    text = text.replace(/<!--[\s\S]*?-->/g, ' ');
    const comment = text.indexOf('<!--');
    if (comment >= 0) {
      text = text.slice(0, comment);
      this.inComment = true;
    }
    const raw = /<(script|style)(?:\s[^<>]*)?>(?![\s\S]*<\/\1)/i.exec(text);
    if (raw) {
      text = text.slice(0, raw.index);
      this.inRawText = raw[1].toLowerCase();
    }
    text = text.replace(/<(script|style)(?:\s[^<>]*)?>[\s\S]*?<\/\1\s*>/gi, ' ');
    text = text.replace(ROW_START, '| ').replace(CELL_END, ' | ').replace(TAG, ' ');
    const open = /<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?$/.exec(text);
    if (open) {
      text = text.slice(0, open.index);
      this.inTag = true;
    }
    return decodeEntities(text);
  }
}

/** Decodes one quoted-printable line; returns the text and whether it ended in a soft break. */
export function decodeQuotedPrintable(line: string): { text: string; soft: boolean } {
  const soft = line.endsWith('=');
  const body = soft ? line.slice(0, -1) : line;
  const text = body.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  return { text, soft };
}
