/** Argument parsing shared by every command: node's parseArgs with errors turned into UsageError. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(args: string[], options: Options): ParsedArgs {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as ParsedArgs;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** Parses `14d`, `12h`, `30m`, `2w` into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration such as 14d, 12h or 30m, got '${text}'`);
  const unit = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }[m[2].toLowerCase() as 'ms'];
  return Number(m[1]) * unit;
}

/**
 * Parses an ISO date or date-time (UTC when no zone is given) into a Date. A bare date is its first
 * instant, or with `wholeDay` its last millisecond, so that "until 2026-04-25" keeps that day.
 * Days a month does not have (2026-02-30) are errors, not the days after it.
 */
export function parseDate(text: string, flag: string, options: { wholeDay?: boolean } = {}): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const iso = dateOnly ? `${text}T${options.wholeDay ? '23:59:59.999' : '00:00:00'}Z` : text;
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`;
  const d = new Date(withZone);
  if (Number.isNaN(d.getTime()) || !isCalendarDay(text))
    throw new UsageError(`${flag}: expected a date such as 2026-04-25, got '${text}'`);
  return d;
}

/** False when the text starts with a year-month-day that does not exist. */
function isCalendarDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return true;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.getUTCMonth() === Number(m[2]) - 1 && day.getUTCDate() === Number(m[3]);
}

export function parseIntOption(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got '${text}'`);
  return n;
}
