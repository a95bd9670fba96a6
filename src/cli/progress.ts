/**
 * A one-line progress bar on stderr (done/total, rate, ETA) — drawn only when stderr is a terminal,
 * so that piped and logged runs stay clean.
 */

export type ProgressUnit = 'bytes' | 'files';

export interface Progress {
  /** Sets the amount done so far (and the total, when it changes). */
  update(done: number, total?: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export function createProgress(
  label: string,
  total: number,
  unit: ProgressUnit,
  stream: ProgressStream = process.stderr,
  now: () => number = () => performance.now(),
): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = now();
  let lastDraw = -Infinity;
  let done = 0;
  let finished = false;
  const draw = () => {
    lastDraw = now();
    stream.write(
      `\r${formatProgressLine(label, done, total, unit, (lastDraw - started) / 1000, stream.columns ?? 80)}`,
    );
  };
  return {
    update(value: number, newTotal?: number) {
      if (finished) return;
      done = value;
      if (newTotal !== undefined) total = newTotal;
      // at most ten redraws a second
      if (now() - lastDraw >= 100) draw();
    },
    finish() {
      if (finished) return;
      finished = true;
      done = Math.max(done, total);
      draw();
      stream.write('\n');
    },
  };
}

/** The bar's text, e.g. `ingest [#####-----] 50% 5.0/10.0 MB 2.5 MB/s ETA 2s`. */
export function formatProgressLine(
  label: string,
  done: number,
  total: number,
  unit: ProgressUnit,
  elapsedSeconds: number,
  width = 80,
): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const eta = rate > 0 && done < total ? (total - done) / rate : 0;
  const amounts =
    unit === 'bytes'
      ? `${mb(done)}/${mb(total)} MB ${mb(rate)} MB/s`
      : `${done}/${total} files ${rate.toFixed(1)} files/s`;
  const tail = ` ${Math.floor(fraction * 100)}% ${amounts} ETA ${duration(eta)}`;
  const barWidth = Math.max(10, Math.min(30, width - label.length - tail.length - 4));
  const filled = Math.round(fraction * barWidth);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
}

function mb(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
