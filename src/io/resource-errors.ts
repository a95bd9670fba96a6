/**
 * Running out of memory or disk as one line for the user: what ran out, while doing what, and what
 * to do about it. Node's own errors are recognised by their errno code here; DuckDB's by its error
 * text in src/engine/database.ts.
 */
import { UserFacingError } from '../cli/command.js';

export type ExhaustedResource = 'memory' | 'temp-limit' | 'disk' | 'file-size';

const HEADLINES: Record<ExhaustedResource, string> = {
  memory: 'out of memory',
  'temp-limit': 'temporary-file limit reached',
  disk: 'disk full',
  'file-size': 'file size limit reached',
};

export class ResourceError extends UserFacingError {
  override name = 'ResourceError';
  constructor(
    readonly resource: ExhaustedResource,
    /** What ran out, in the words of the one who noticed (DuckDB or the OS), made short. */
    readonly detail: string,
    /** What was being done: "ingesting logs/DnsEvents.jsonl into DnsEvents". */
    readonly activity: string,
    /** What the user can do. */
    readonly advice: string,
  ) {
    super(`${HEADLINES[resource]} while ${activity}: ${detail} — ${advice}`);
  }

  /** The same failure, said of a more precise activity (a file rather than a statement). */
  during(activity: string): ResourceError {
    return new ResourceError(this.resource, this.detail, activity, this.advice);
  }
}

/** ENOSPC (no space), EDQUOT (quota) and EFBIG (file size limit) from a Node file write. */
export function nodeResourceError(err: unknown, activity: string): ResourceError | undefined {
  const { code, path } = (err ?? {}) as NodeJS.ErrnoException;
  const where = path ? ` (${path})` : '';
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new ResourceError(
      'disk',
      `${code === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded'}${where}`,
      activity,
      'free space on that disk or write to a folder on a larger one',
    );
  if (code === 'EFBIG')
    return new ResourceError(
      'file-size',
      `file too large for this process's file size limit${where}`,
      activity,
      "raise the limit ('ulimit -f') or write a smaller output",
    );
  return undefined;
}

/** A ResourceError (re-described for `activity`) when err is one, or a Node out-of-space error. */
export function asResourceError(err: unknown, activity: string): ResourceError | undefined {
  if (err instanceof ResourceError) return err.during(activity);
  return nodeResourceError(err, activity);
}
