/**
 * Log values are attacker-controlled: control characters (ANSI escapes, carriage returns, bidi
 * overrides) are shown as \x.. / \u.... so they cannot rewrite the analyst's terminal.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with its bidi controls shown as \u.... (for HTML, where line breaks stay as they are): a
 * right-to-left override turns `abc\u202egnp.exe` into what reads as `abcexe.png`.
 */
export function showBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
