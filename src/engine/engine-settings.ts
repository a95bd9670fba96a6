/**
 * The embedded engine's settings (options, then the HUNTFORGE_* environment) and DuckDB's
 * out-of-memory and out-of-disk errors told in those terms. Apart from database.ts so that the
 * command line can recognise such an error without loading DuckDB.
 */
import { availableParallelism } from 'node:os';
import { UserFacingError } from '../cli/command.js';
import { ResourceError } from '../io/resource-errors.js';

/** The settings openDatabase takes (see OpenDatabaseOptions). */
export interface SettingsOptions {
  memoryLimit?: string;
  maxTempSize?: string;
  threads?: number;
}

export interface EngineSettings {
  memoryLimit?: string;
  maxTempSize?: string;
  threads: number;
}

/** Options first, then the HUNTFORGE_* environment; sizes and counts checked before DuckDB sees them. */
export function resolveSettings(options: SettingsOptions): EngineSettings {
  const env = (name: string) => process.env[name]?.trim() || undefined;
  const memoryLimit = options.memoryLimit ?? env('HUNTFORGE_MEMORY_LIMIT');
  const maxTempSize = options.maxTempSize ?? env('HUNTFORGE_MAX_TEMP_SIZE');
  checkSize(memoryLimit, 'HUNTFORGE_MEMORY_LIMIT');
  checkSize(maxTempSize, 'HUNTFORGE_MAX_TEMP_SIZE');
  const threadsText = env('HUNTFORGE_THREADS');
  const threads = options.threads ?? (threadsText ? Number(threadsText) : availableParallelism());
  if (!Number.isInteger(threads) || threads < 1)
    throw new UserFacingError(
      `HUNTFORGE_THREADS: '${threadsText}' is not a whole number of threads (1 or more)`,
    );
  return { memoryLimit, maxTempSize, threads };
}

/** The settings from the environment for an error message, where no database is at hand to ask. */
function settingsOrNothing(): Partial<EngineSettings> {
  try {
    return resolveSettings({});
  } catch {
    return {};
  }
}

function checkSize(value: string | undefined, name: string): void {
  if (value !== undefined && !/^\d+(\.\d+)?\s*([KMGT]i?B|B|%)$/i.test(value))
    throw new UserFacingError(`${name}: '${value}' is not a size such as 512MB, 4GB or 50%`);
}

export interface ResourceContext extends Partial<EngineSettings> {
  path?: string;
  tempDirectory?: string;
}

/**
 * DuckDB's out-of-memory and out-of-disk errors (recognised by their text; the node bindings give no
 * code) as a ResourceError saying which setting to change. Anything else: undefined.
 */
export function duckdbResourceError(
  err: unknown,
  activity: string,
  given: ResourceContext = {},
): ResourceError | undefined {
  const context = { ...settingsOrNothing(), ...given };
  const message = (err as Error)?.message ?? String(err);
  // known to be in memory only when the database itself reports the error
  const onDisk =
    context.path || !context.tempDirectory
      ? ''
      : '; with --db FILE the ingested tables live on disk, not in memory';
  if (/Out of Memory Error/i.test(message)) {
    // "could not allocate block of size 64.0 MiB (130.2 MiB/244.1 MiB used)"
    const sizes = /of size ([\d.]+ \w+) \(([\d.]+ \w+)\/([\d.]+ \w+) used\)/.exec(message);
    if (/max_temp_directory_size/i.test(message))
      return new ResourceError(
        'temp-limit',
        `DuckDB's spill files${context.tempDirectory ? ` in ${context.tempDirectory}` : ''} reached max_temp_directory_size (${context.maxTempSize ?? '90% of the free disk space'})`,
        activity,
        'raise HUNTFORGE_MAX_TEMP_SIZE, free disk space there, or set HUNTFORGE_TEMP_DIR to a folder on a larger disk',
      );
    return new ResourceError(
      'memory',
      sizes
        ? `DuckDB needed ${sizes[1]} more with ${sizes[2]} of its ${sizes[3]} limit in use`
        : 'DuckDB reached its memory limit',
      activity,
      `raise HUNTFORGE_MEMORY_LIMIT (now ${context.memoryLimit ?? "DuckDB's default, 80% of RAM"}) or lower HUNTFORGE_THREADS (now ${context.threads ?? 'one per core'})${onDisk}`,
    );
  }
  const full = /No space left on device|Disk quota exceeded|File too large/i.exec(message);
  if (full) {
    const file = /(?:file|directory) "([^"]+)"/i.exec(message)?.[1];
    const spilling = context.tempDirectory !== undefined && file?.startsWith(context.tempDirectory);
    return new ResourceError(
      /File too large/i.test(full[0]) ? 'file-size' : 'disk',
      `${full[0].toLowerCase()}${file ? ` writing ${file}` : ''}`,
      activity,
      spilling
        ? 'free space on that disk, or set HUNTFORGE_TEMP_DIR to a folder on a larger disk'
        : `free space on that disk, or pass --db with a file on a larger disk${context.path ? '' : ' (spill files: HUNTFORGE_TEMP_DIR)'}`,
    );
  }
  return undefined;
}
