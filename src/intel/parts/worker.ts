/**
 * Worker thread entry: reads one part of a ThreatFox CSV export into its own store and sends the
 * store's columns back (moved, not copied). Rejections carry the line within the part; the thread
 * that merges the parts knows how many lines come before it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IndicatorStore } from '../store/indicator-store.js';
import type { PartInput } from './part-reader.js';
import { readPart } from './part-reader.js';

export interface WorkerInput extends PartInput {
  maxRejected: number;
  /** Estimated rows in the part, reserved up front. */
  rows: number;
}

/** A rejection in a part: `line` within the part (or -1 if the location names no line). */
export interface PartRejection {
  line: number;
  location: string;
  reason: string;
  raw: string;
}

const input = workerData as WorkerInput;
const store = new IndicatorStore(true);
store.reserve(input.rows);
const rejected: PartRejection[] = [];
let rejectedTotal = 0;
const prefix = `${input.file}:`;
const result = await readPart(input, store, (location, reason, raw) => {
  rejectedTotal++;
  if (rejected.length >= input.maxRejected) return;
  // Line readers locate every rejection as `file:line`.
  const line = location.startsWith(prefix) ? Number(location.slice(prefix.length)) : Number.NaN;
  rejected.push({ line: Number.isInteger(line) ? line : -1, location, reason, raw });
});
const { columns, transfer } = store.toColumns();
parentPort?.postMessage({ ...result, rejected, rejectedTotal, store: columns }, transfer);
