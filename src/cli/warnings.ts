/** Warnings of a run: what reading the logs skipped, and how every warning reaches stderr. */
import type { IngestReport } from '../engine/ingest/types.js';
import { terminalSafe } from '../report/terminal-safe.js';

/** One line per file with malformed records, then the ingest's own warnings. */
export function ingestWarnings(ingest: IngestReport): string[] {
  const lines = ingest.files
    .filter((file) => file.malformed > 0)
    .map(
      (file) =>
        `${file.path}: ${file.malformed} malformed records skipped (first: ${file.firstMalformed[0] ?? '?'})`,
    );
  return [...lines, ...ingest.warnings];
}

/** Warnings on stderr; they quote log content, so control characters are shown, not sent. */
export function printWarnings(warnings: string[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${terminalSafe(w)}\n`);
}
