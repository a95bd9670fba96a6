/**
 * A large ThreatFox CSV export read by several threads: this thread reads the first part into the
 * session's store while a worker per later part reads that part into a store of its own; the
 * parts are then merged in file order, renumbering their lines. Merging is associative (highest
 * confidence, earliest first seen, unions in order of first appearance, sources in order), so the
 * result is the one a single read of the file gives, to the order of indicators and rejections.
 *
 * A worker starts from the header at the top of the file. If the part before it ended under
 * another header (a second header line in the middle of the file), or the worker failed, that
 * part is read again here, in order.
 */
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { RejectFn } from '../sink.js';
import type { IndicatorStore, StoreColumns } from '../store/indicator-store.js';
import { type PartInput, type PartResult, readPart } from './part-reader.js';
import { type PartPlan, planParts } from './plan.js';
import type { PartRejection, WorkerInput } from './worker.js';

export interface WorkerOptions {
  /** Smallest file read in parts, in bytes (default 16 MiB): below it a worker costs more than it saves. */
  minBytes?: number;
  /**
   * Number of parts (default: one per CPU, at most 8). Not fewer when other processes keep CPUs
   * busy: the system then shares the CPUs among all runnable threads, so a read on more threads
   * still gets more of them, and the load average (a past minute's) is no guide to the next seconds.
   */
  parts?: number;
  /** Told how each part was read (diagnostics, tests). */
  onPart?: (part: { start: number; end: number; by: 'this thread' | 'worker' }) => void;
}

export const DEFAULT_MIN_BYTES = 16 << 20;

export interface PartsTarget {
  store: IndicatorStore;
  reject: RejectFn;
  /** Rejections a worker counted but did not keep (beyond maxRejected). */
  rejectedBeyond(count: number): void;
  maxLineLength: number;
  maxRejected: number;
}

interface WorkerOutput extends PartResult {
  rejected: PartRejection[];
  rejectedTotal: number;
  store: StoreColumns;
}

/**
 * The parts of `path` if it is a large export, else null. Without workers (`false`, or one part)
 * a large export is one part read here: its size still reserves the store's room up front, where
 * a read of the file as a stream would grow every column by doubling.
 */
export async function planFile(path: string, options: WorkerOptions | false = {}): Promise<PartPlan | null> {
  const parts = options === false ? 1 : (options.parts ?? defaultParts());
  if (parts < 1) return null;
  const minBytes = (options === false ? undefined : options.minBytes) ?? DEFAULT_MIN_BYTES;
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size < minBytes) return null;
    return await planParts(handle, stat.size, parts);
  } finally {
    await handle.close();
  }
}

function defaultParts(): number {
  return Math.min(8, availableParallelism());
}

export async function readInParts(
  path: string,
  plan: PartPlan,
  target: PartsTarget,
  options: WorkerOptions = {},
): Promise<void> {
  const { starts } = plan;
  // Rows a stretch of the file holds, estimated a little high: reserved room left unused is
  // nearly free, growing a column by doubling copies it.
  const rows = (bytes: number) => Math.ceil((bytes / plan.bytesPerLine) * 1.05) + 1024;
  const part = (k: number, columns: string[] | null, lineOffset: number): PartInput => ({
    file: path,
    start: starts[k],
    end: k + 1 < starts.length ? starts[k + 1] : Number.POSITIVE_INFINITY,
    columns,
    lineOffset,
    maxLineLength: target.maxLineLength,
  });
  const workers = starts.slice(1).map((start, i) => {
    const end = starts[i + 2] ?? plan.size;
    return startWorker({
      ...part(i + 1, plan.columns, 0),
      maxRejected: target.maxRejected,
      rows: rows(end - start),
    });
  });
  try {
    // Every column sized for the whole file, the identity table for the first part: a table
    // sized for the whole file while this thread reads half of it makes each probe miss the
    // cache more often (measured: the first part read ~0.15 s slower on 1M rows); it grows
    // when a part other than the last is merged in.
    const size = target.store.size;
    target.store.reserve(size + rows(plan.size), size + rows((starts[1] ?? plan.size) - starts[0]));
    const first = part(0, null, 0);
    let { columns, lines } = await readPart(first, target.store, target.reject);
    options.onPart?.({ start: first.start, end: first.end, by: 'this thread' });
    // While the workers finish: room for the rows of all parts but the last, which the merges
    // copy in (the last part's new rows are read from its own columns, see mergeColumns).
    const last = starts[starts.length - 1];
    if (workers.length > 1) target.store.prepare(rows(last - starts[1]));
    for (let k = 1; k < starts.length; k++) {
      const input = part(k, columns, lines);
      const output = await workers[k - 1].output;
      if (output !== null && sameColumns(plan.columns, columns)) {
        discard(target.store.mergeColumns(output.store, lines));
        for (const r of output.rejected)
          target.reject(r.line < 0 ? r.location : `${path}:${r.line + lines}`, r.reason, r.raw);
        target.rejectedBeyond(output.rejectedTotal - output.rejected.length);
        columns = output.columns;
        lines += output.lines;
        options.onPart?.({ start: input.start, end: input.end, by: 'worker' });
      } else {
        const result = await readPart(input, target.store, target.reject);
        columns = result.columns;
        lines += result.lines;
        options.onPart?.({ start: input.start, end: input.end, by: 'this thread' });
      }
    }
  } finally {
    for (const worker of workers) worker.stop();
  }
}

/**
 * Frees buffers now instead of at a later garbage collection: they are moved into a message
 * that is never received, and dropped with it when its port closes.
 */
function discard(buffers: ArrayBuffer[]): void {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(null, buffers);
  port1.close();
  port2.close();
}

function sameColumns(a: string[] | null, b: string[] | null): boolean {
  return a !== null && b !== null && a.length === b.length && a.every((name, i) => name === b[i]);
}

// The worker module next to this one: .js when compiled, .ts when run from source through tsx.
const fromSource = extname(fileURLToPath(import.meta.url)) === '.ts';
const workerUrl = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);

/** A new worker thread running worker.ts/.js. */
function spawn(input: WorkerInput): Worker {
  // A small young generation: a part's garbage is short-lived, and each thread's nursery
  // otherwise grows to tens of megabytes of resident memory.
  const options = { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 4 } };
  if (!fromSource) return new Worker(workerUrl, options);
  // Node 20 does not apply tsx's loader (from --import) to a worker's own modules: the worker
  // registers it before importing the TypeScript module.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** A worker reading one part; `output` is null if it failed (the part is then read here). */
function startWorker(input: WorkerInput): { output: Promise<WorkerOutput | null>; stop(): void } {
  let worker: Worker;
  try {
    worker = spawn(input);
  } catch {
    return { output: Promise.resolve(null), stop() {} };
  }
  const output = new Promise<WorkerOutput | null>((resolve) => {
    worker.once('message', (message: WorkerOutput) => resolve(message));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
  return { output, stop: () => void worker.terminate() };
}
