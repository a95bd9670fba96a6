/** `huntforge feed threatfox …`: fetches a ThreatFox query and writes the raw JSON reply. */
import { writeFile } from 'node:fs/promises';
import { redactError } from '../remote/redact.js';
import { queryThreatFox, type ThreatFoxRequest } from '../remote/threatfox.js';
import { resolveThreatFoxAuthKey } from '../remote/threatfox-config.js';
import { parseCommandArgs, parseDuration, parseIntOption } from './args.js';
import { type Command, UsageError } from './command.js';

const HELP = `Usage: huntforge feed threatfox (--days N | --malware NAME | --tag TAG | --search VALUE [--exact] | --hash HASH)
                                [--limit N] [-o FILE] [--endpoint URL] [--cache-ttl 15m | --no-cache]

Queries the ThreatFox API and writes its raw JSON reply to FILE or stdout, ready for
'huntforge iocs', 'generate' or 'hunt'. Those commands also accept the pseudo-input
threatfox:malware=NAME (or days=N, tag=T, search=V, hash=H) directly.

Options:
  --days N          IOCs first seen in the last N days (1-7)
  --malware NAME    IOCs of a malware family (Malpedia name such as win.nanocore, or printable name)
  --tag TAG         IOCs with a tag
  --search VALUE    search an IOC value (--exact for an exact match)
  --hash HASH       IOCs associated with a file hash (MD5 or SHA256)
  --limit N         records for --malware / --tag (1-1000, default 100)
  -o, --output FILE write here instead of stdout
  --endpoint URL    API base URL (default https://threatfox-api.abuse.ch)
  --cache-ttl D     reuse a cached reply younger than D (default 15m); --no-cache to always ask

The Auth-Key comes from THREATFOX_AUTH_KEY, or threatfox.authKey in ./huntforge.yaml.

Example:
  THREATFOX_AUTH_KEY=... huntforge feed threatfox --malware win.nanocore -o nanocore.json
`;

export const feedCommand: Command = {
  name: 'feed',
  help: HELP,
  async run(args) {
    const [source, ...rest] = args;
    if (source !== 'threatfox')
      throw new UsageError(
        source
          ? `unknown feed '${source}' (available: threatfox)`
          : 'name a feed: huntforge feed threatfox …',
      );
    const { values, positionals } = parseCommandArgs(rest, {
      days: { type: 'string' },
      malware: { type: 'string' },
      tag: { type: 'string' },
      search: { type: 'string' },
      exact: { type: 'boolean' },
      hash: { type: 'string' },
      limit: { type: 'string' },
      output: { type: 'string', short: 'o' },
      endpoint: { type: 'string' },
      'cache-ttl': { type: 'string' },
      'no-cache': { type: 'boolean' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const request = threatFoxRequest(values);
    const authKey = resolveThreatFoxAuthKey();
    if (!authKey)
      throw new UsageError('ThreatFox needs an Auth-Key: set THREATFOX_AUTH_KEY (free key at auth.abuse.ch)');
    const cacheTtlMs = values['cache-ttl']
      ? parseDuration(String(values['cache-ttl']), '--cache-ttl')
      : undefined;
    try {
      const response = await queryThreatFox(request, {
        authKey,
        endpoint: values.endpoint as string | undefined,
        cacheDir: values['no-cache'] ? false : undefined,
        cacheTtlMs,
      });
      const text = `${JSON.stringify(response, null, 2)}\n`;
      if (values.output) {
        await writeFile(String(values.output), text);
        process.stderr.write(
          `huntforge feed: ${response.data.length} records (${response.query_status}) → ${values.output}\n`,
        );
      } else process.stdout.write(text);
      return 0;
    } catch (err) {
      throw redactError(err);
    }
  },
};

function threatFoxRequest(values: Record<string, unknown>): ThreatFoxRequest {
  const chosen = ['days', 'malware', 'tag', 'search', 'hash'].filter((k) => values[k] !== undefined);
  if (chosen.length !== 1)
    throw new UsageError(
      chosen.length
        ? `choose one of ${chosen.map((c) => `--${c}`).join(', ')}`
        : 'say what to fetch: --days, --malware, --tag, --search or --hash',
    );
  const limit =
    values.limit !== undefined ? parseIntOption(String(values.limit), '--limit', 1, 1000) : undefined;
  const value = String(values[chosen[0]]);
  switch (chosen[0]) {
    case 'days':
      return { days: parseIntOption(value, '--days', 1, 7) };
    case 'malware':
      return { malware: value, limit };
    case 'tag':
      return { tag: value, limit };
    case 'search':
      return { search: value, exactMatch: values.exact === true };
    default:
      return { hash: value };
  }
}
