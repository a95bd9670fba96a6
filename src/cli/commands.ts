/**
 * Every `huntforge` command, in the order `huntforge --help` lists them. A command's module (and
 * what it imports: DuckDB, the KQL parser, the Azure clients) loads only when that command runs.
 */
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  /** One line for `huntforge --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: 'iocs',
    summary: 'read IOC feeds and reports into canonical, flagged indicators',
    load: async () => (await import('./iocs.js')).iocsCommand,
  },
  {
    name: 'generate',
    summary: 'write validated Sentinel/Defender hunts, rule packages and a report',
    load: async () => (await import('./generate.js')).generateCommand,
  },
  {
    name: 'hunt',
    summary: 'run the hunts on local log files (embedded DuckDB) and report findings',
    load: async () => (await import('./hunt.js')).huntCommand,
  },
  {
    name: 'validate',
    summary: "check KQL, Sentinel YAML and ARM queries with Microsoft's KQL parser",
    load: async () => (await import('./validate.js')).validateCommand,
  },
  {
    name: 'kql',
    summary: 'run a KQL query on local log files (translated to SQL, Kusto semantics)',
    load: async () => (await import('./kql.js')).kqlCommand,
  },
  {
    name: 'feed',
    summary: 'pull IOCs from a live feed (ThreatFox) as raw JSON',
    load: async () => (await import('./feed.js')).feedCommand,
  },
  {
    name: 'run',
    summary: 'run hunts on Sentinel, Azure Data Explorer or Defender XDR',
    load: async () => (await import('./run-remote.js')).runCommand,
  },
  {
    name: 'deploy',
    summary: 'deploy rules, watchlists and indicators to a Sentinel workspace',
    load: async () => (await import('./deploy.js')).deployCommand,
  },
];
