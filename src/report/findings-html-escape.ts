/**
 * The HTML report's only way to put text into markup: `html` templates escape every interpolated
 * value through escapeHtml unless it is already SafeHtml (another template, or a trusted constant
 * wrapped by trusted()).
 */
import { showBidiControls } from './terminal-safe.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for element content and double-quoted attribute values; bidi controls shown, not obeyed. */
export function escapeHtml(value: unknown): string {
  return showBidiControls(String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]));
}

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Markup written by this code (the page's CSS and script), never data. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function fragment(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += fragment(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/**
 * JSON for a <script type="application/json"> data island: `<`, `>` and `&` as \u escapes so no
 * `</script>` or `<!--` can end or change the block; U+2028/2029 escaped for older parsers.
 */
export function jsonForScript(data: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(data)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}
