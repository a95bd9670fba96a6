/**
 * Refanging (defanged report text → real indicators) and defanging (indicator → safe display form).
 *
 * Refang covers the styles seen in reports and feeds: `hxxp`, `hXXp`, `h**p`, `hxxps`, `fxp`,
 * `[.]`, `(.)`, `{.}`, `[dot]`/`[DOT]`/`(dot)`, `\.`, `[:]`, `[://]`, `[:]//`, `[/]`, `[at]`, `[@]`.
 * A `:port` after a defanged IP is untouched, so `104[.]21[.]9[.]66:443` keeps its port.
 */
import { ownValue } from '../own.js';

const SCHEME = /\b([hH])(?:[xX]{2}|\*\*)([pP])([sS]?)(?=\s*(?:\[|\(|\{)?\s*:)/g;
const FTP_SCHEME = /\b[fF][xX]([pP])([sS]?)(?=\s*(?:\[|\(|\{)?\s*:)/g;
const COLON_SLASHES = /[[({]\s*:\s*\/\/\s*[\])}]|[[({]\s*:\s*[\])}]\s*\/\//g;
const COLON = /[[({]\s*:\s*[\])}]/g;
const SLASH = /[[({]\s*\/\s*[\])}]/g;
const DOT = /[[({]\s*(?:\.|dot)\s*[\])}]|\\\./gi;
const AT = /[[({]\s*(?:@|at)\s*[\])}]/gi;

/** Turns every defang style into the real character, leaving other text as it is. */
export function refang(text: string): string {
  // Cheap pre-check: most lines of a feed carry no defang marker at all.
  if (!/[[({\\]|h[x*]{2}p|fxp/i.test(text)) return text;
  return text
    .replace(SCHEME, (_m, _h, _p, s: string) => `http${s.toLowerCase()}`)
    .replace(FTP_SCHEME, (_m, _p, s: string) => `ftp${s.toLowerCase()}`)
    .replace(COLON_SLASHES, '://')
    .replace(COLON, ':')
    .replace(SLASH, '/')
    .replace(DOT, '.')
    .replace(AT, '@');
}

/** Has `text` any defang marker that refang would rewrite? */
export function isDefanged(text: string): boolean {
  return refang(text) !== text;
}

const DEFANGED_SCHEMES: Record<string, string> = { http: 'hxxp', https: 'hxxps', ftp: 'fxp', ftps: 'fxps' };

/**
 * Display form of a canonical indicator value: dots of hosts and addresses become `[.]`, `@`
 * becomes `[@]`, http(s)/ftp schemes become hxxp(s)/fxp. URL paths are left as they are.
 * Hashes and IPv6 addresses (nothing clickable) are returned unchanged.
 */
export function defang(value: string): string {
  const url = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is.exec(value);
  if (url) {
    const scheme = url[1].toLowerCase();
    return `${ownValue(DEFANGED_SCHEMES, scheme) ?? scheme}://${defangHost(url[2])}${url[3]}`;
  }
  return defangHost(value);
}

function defangHost(text: string): string {
  return text.replaceAll('.', '[.]').replaceAll('@', '[@]');
}
