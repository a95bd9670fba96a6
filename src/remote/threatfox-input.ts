/**
 * The `threatfox:<kind>=<value>` pseudo-input (`threatfox:malware=Nanocore`, `threatfox:days=3`,
 * `threatfox:tag=X`, `threatfox:search=V`, `threatfox:hash=H`): readers call
 * `resolveThreatFoxInput` and parse the returned JSON text like a downloaded file.
 */
import { UsageError } from '../cli/command.js';
import { queryThreatFox, type ThreatFoxOptions, type ThreatFoxRequest } from './threatfox.js';
import { resolveThreatFoxAuthKey } from './threatfox-config.js';

export function isThreatFoxInput(input: string): boolean {
  return /^threatfox:/i.test(input);
}

export function parseThreatFoxInput(input: string): ThreatFoxRequest {
  const m = /^threatfox:([a-z_]+)=(.+)$/i.exec(input.trim());
  if (!m) throw new UsageError(`${input}: expected threatfox:<days|malware|tag|search|hash>=<value>`);
  const kind = m[1].toLowerCase();
  const value = m[2].trim();
  switch (kind) {
    case 'days': {
      const days = Number(value);
      if (!Number.isInteger(days) || days < 1 || days > 7)
        throw new UsageError(`${input}: days must be an integer from 1 to 7`);
      return { days };
    }
    case 'malware':
      return { malware: value };
    case 'tag':
      return { tag: value };
    case 'search':
      return { search: value };
    case 'hash':
      return { hash: value };
    default:
      throw new UsageError(
        `${input}: unknown ThreatFox query '${kind}' (use days, malware, tag, search or hash)`,
      );
  }
}

export interface ResolvedInput {
  /** The pseudo-path, used as the source file name of each indicator. */
  name: string;
  /** The raw ThreatFox JSON reply. */
  text: string;
}

/** Fetches (or reads from cache) the reply for a `threatfox:` input; the key comes from env or config. */
export async function resolveThreatFoxInput(
  input: string,
  options: Partial<ThreatFoxOptions> & { env?: NodeJS.ProcessEnv } = {},
): Promise<ResolvedInput> {
  const request = parseThreatFoxInput(input);
  const authKey = options.authKey ?? resolveThreatFoxAuthKey(options.env ?? process.env) ?? '';
  const endpoint = options.endpoint ?? (options.env ?? process.env).HUNTFORGE_THREATFOX_ENDPOINT;
  const response = await queryThreatFox(request, { ...options, authKey, endpoint });
  return { name: input.trim(), text: JSON.stringify(response) };
}
