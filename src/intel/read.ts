/**
 * The library entry point for indicators: inputs (files, `-` for stdin, or in-memory text) →
 * detected format → reader → canonical indicators → merged → flagged → filtered.
 *
 * Line formats (ThreatFox CSV, lists, free text) stream: a multi-GB export is read chunk by chunk
 * and only the merged indicators stay in memory. JSON formats are parsed whole, up to a cap.
 * Gzip-compressed inputs are recognised by their magic bytes and decompressed on the fly.
 */

import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { type IndicatorFilter, indicatorPredicate, keepsAll } from './filter.js';
import { type ChunkDecoder, feedLines } from './lines.js';
import { planFile, readInParts, type WorkerOptions } from './parts/read-parts.js';
import { ACCEPTED_FORMATS, type Detected, detectFromPeek, jsonReaderFor } from './readers/detect.js';
import { plainListReader, textReader } from './readers/text.js';
import { ThreatFoxCsvByteReader } from './readers/threatfox-csv-bytes.js';
import { InputError, type LineReader, type ReaderSink } from './readers/types.js';
import { canonicalisingSink } from './sink.js';
import { IndicatorStore } from './store/indicator-store.js';
import type { Indicator, ReadResult, Rejection } from './types.js';

export interface ReadOptions extends IndicatorFilter {
  /** Largest JSON document read whole, in bytes (default 512 MiB). */
  maxJsonBytes?: number;
  /** Longest line of a line format, in characters (default 1 MiB); longer lines are rejected. */
  maxLineLength?: number;
  /** How many rejections are kept in the result (default 10,000); `rejectedTotal` counts all. */
  maxRejected?: number;
  /**
   * Resolves a pseudo-input (such as a live feed query) to text; returns null for ordinary files.
   * Keeps this module free of network code: the CLI supplies the ThreatFox resolver.
   */
  resolveInput?: (input: string) => Promise<{ name: string; text: string } | null>;
  /**
   * Large ThreatFox CSV exports are read by a worker thread per part of the file (default: one
   * part per CPU, for files of 16 MiB or more); the result is the same as a single-threaded
   * read.
   * `false` reads every file on the calling thread.
   */
  workers?: WorkerOptions | false;
}

export interface ReadSummary extends ReadResult {
  /** All rejections, including those beyond `maxRejected`. */
  rejectedTotal: number;
  /** Format detected per readable input. */
  formats: { input: string; format: string }[];
}

const PEEK_BYTES = 4096;

/**
 * A read whose indicators are built one at a time as they are iterated (flagged and filtered on
 * the way), instead of all at once: for feeds of millions of rows whose consumer writes each
 * indicator out (CSV, JSON lines) and need not hold them all. Each iteration builds fresh objects.
 */
export interface LazyReadSummary extends Omit<ReadSummary, 'indicators'> {
  indicators: Iterable<Indicator>;
  /** Distinct indicators after merging, before the filters. */
  merged: number;
}

/** Reads, canonicalises, merges, flags and filters indicators from files (`-` is stdin). */
export async function readIndicators(inputs: string[], options: ReadOptions = {}): Promise<ReadSummary> {
  return (await readInto(new ReadSession(options), inputs, options)).finish();
}

/** readIndicators, with the indicators materialised lazily (see LazyReadSummary). */
export async function readIndicatorsLazy(
  inputs: string[],
  options: ReadOptions = {},
): Promise<LazyReadSummary> {
  return (await readInto(new ReadSession(options), inputs, options)).finishLazy();
}

async function readInto(session: ReadSession, inputs: string[], options: ReadOptions): Promise<ReadSession> {
  for (const input of inputs) {
    try {
      const resolved = await options.resolveInput?.(input);
      if (resolved) {
        await session.readSource(resolved.name, [Buffer.from(resolved.text, 'utf8')]);
        continue;
      }
      if (input !== '-' && (await session.readFileInParts(input))) continue;
      const chunks = input === '-' ? (process.stdin as AsyncIterable<Buffer>) : await fileChunks(input);
      await session.readSource(input, chunks);
    } catch (err) {
      session.errors.push(describeError(input, err));
    }
  }
  return session;
}

/** Same pipeline for text already in memory (a live feed response, a pasted report). */
export async function readIndicatorsFromText(
  text: string,
  name = 'text',
  options: ReadOptions = {},
): Promise<ReadSummary> {
  const session = new ReadSession(options);
  try {
    await session.readSource(name, [Buffer.from(text, 'utf8')]);
  } catch (err) {
    session.errors.push(describeError(name, err));
  }
  return session.finish();
}

async function fileChunks(path: string): Promise<AsyncIterable<Buffer>> {
  const handle = await open(path, 'r');
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new InputError('is a directory');
  }
  return handle.createReadStream({ highWaterMark: 1 << 20 });
}

/** One line naming the input. Anything that is not a known input problem is labelled a bug. */
function describeError(input: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    EPERM: 'permission denied',
  };
  if (err instanceof InputError) return `${input}: ${err.message}`;
  if (e?.code && reasons[e.code]) return `${input}: ${reasons[e.code]}`;
  if (e?.code?.startsWith('Z_')) return `${input}: not valid gzip data (${e.message})`;
  const message = err instanceof Error ? err.message : String(err);
  if (e?.code) return `${input}: cannot read (${message})`;
  return `${input}: internal error while reading (${message.replace(/\s+/g, ' ')})`;
}

class ReadSession {
  readonly errors: string[] = [];
  private readonly merger = new IndicatorStore(true);
  private readonly rejected: Rejection[] = [];
  private rejectedTotal = 0;
  private readonly formats: { input: string; format: string }[] = [];
  private readonly maxRejected: number;

  constructor(private readonly options: ReadOptions) {
    this.maxRejected = options.maxRejected ?? 10_000;
  }

  private readonly reject = (location: string, reason: string, raw: string) => {
    this.rejectedTotal++;
    if (this.rejected.length < this.maxRejected) this.rejected.push({ location, reason, raw });
  };

  private sink(file: string): ReaderSink {
    return canonicalisingSink(file, this.merger, this.reject);
  }

  /**
   * Reads a file by parts (on worker threads, unless the options say none) if it is a large
   * ThreatFox CSV export; else false.
   */
  async readFileInParts(path: string): Promise<boolean> {
    const plan = await planFile(path, this.options.workers);
    if (plan === null) return false;
    this.formats.push({ input: path, format: 'threatfox-csv' });
    await readInParts(
      path,
      plan,
      {
        store: this.merger,
        reject: this.reject,
        rejectedBeyond: (count) => {
          this.rejectedTotal += count;
        },
        maxLineLength: this.options.maxLineLength ?? 1 << 20,
        maxRejected: this.maxRejected,
      },
      this.options.workers || {},
    );
    return true;
  }

  async readSource(name: string, source: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
    const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]
      ? (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
      : toAsync((source as Iterable<Buffer>)[Symbol.iterator]());
    // Peek without losing bytes: keep what was read and replay it.
    const head: Buffer[] = [];
    let headBytes = 0;
    let done = false;
    while (headBytes < PEEK_BYTES) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      head.push(chunk);
      headBytes += chunk.length;
    }
    const peek = Buffer.concat(head);
    const chunks: AsyncIterable<Buffer> = replay(head, done ? null : iterator);
    if (peek[0] === 0x1f && peek[1] === 0x8b) {
      const gunzip = Readable.from(chunks).pipe(createGunzip());
      return this.readSource(name, gunzip);
    }
    const encoding = encodingOf(peek);
    const peekText = decoderFor(encoding).write(peek.subarray(0, PEEK_BYTES));
    const detected: Detected = detectFromPeek(encoding === 'utf8' ? peek : Buffer.alloc(0), peekText);
    if (detected.kind === 'binary')
      throw new InputError(`${detected.reason} (accepted: ${ACCEPTED_FORMATS})`);
    const decoder = decoderFor(encoding);
    if (detected.kind === 'json') {
      const text = await readAll(chunks, decoder, this.options.maxJsonBytes ?? 512 * 1024 * 1024);
      let doc: unknown;
      try {
        doc = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (err) {
        throw new InputError(`not valid JSON (${(err as Error).message})`);
      }
      const reader = jsonReaderFor(doc);
      if (reader === null)
        throw new InputError(`JSON, but not a recognised format (accepted: ${ACCEPTED_FORMATS})`);
      this.formats.push({ input: name, format: reader.format });
      reader.read(doc, this.sink(name));
      return;
    }
    const sink = this.sink(name);
    const reader: LineReader =
      detected.format === 'threatfox-csv'
        ? new ThreatFoxCsvByteReader(sink, this.merger)
        : detected.format === 'plain-list'
          ? plainListReader(sink)
          : textReader(sink, { html: detected.html, email: detected.email });
    this.formats.push({ input: name, format: detected.format });
    await feedLines(chunks, decoder, reader, sink, {
      utf8: encoding === 'utf8',
      maxLineLength: this.options.maxLineLength ?? 1 << 20,
    });
  }

  finish(): ReadSummary {
    const { merged: _, ...rest } = this.finishLazy();
    return { ...rest, indicators: [...this.flagged()] };
  }

  finishLazy(): LazyReadSummary {
    return {
      indicators: {
        [Symbol.iterator]: () => (keepsAll(this.options) ? this.merger[Symbol.iterator]() : this.flagged()),
      },
      merged: this.merger.size,
      rejected: this.rejected,
      rejectedTotal: this.rejectedTotal,
      errors: this.errors,
      formats: this.formats,
    };
  }

  /** The merged indicators (flagged when first stored), materialised one at a time, and filtered. */
  private *flagged(): Generator<Indicator> {
    const keep = indicatorPredicate(this.options);
    for (const indicator of this.merger) if (keep(indicator)) yield indicator;
  }
}

async function* toAsync(it: Iterator<Buffer>): AsyncGenerator<Buffer> {
  for (let n = it.next(); !n.done; n = it.next()) yield n.value;
}

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer> | null): AsyncGenerator<Buffer> {
  for (const chunk of head) yield chunk;
  if (rest === null) return;
  for (let n = await rest.next(); !n.done; n = await rest.next()) yield n.value;
}

type Encoding = 'utf8' | 'utf16le' | 'utf16be';

/** UTF-16 when the input starts with its byte-order mark (as Windows tools write it), else UTF-8. */
function encodingOf(peek: Buffer): Encoding {
  if (peek[0] === 0xff && peek[1] === 0xfe) return 'utf16le';
  if (peek[0] === 0xfe && peek[1] === 0xff) return 'utf16be';
  return 'utf8';
}

function decoderFor(encoding: Encoding): ChunkDecoder {
  if (encoding !== 'utf16be') return new StringDecoder(encoding);
  // StringDecoder has no UTF-16BE; TextDecoder streams it and drops the byte-order mark.
  const text = new TextDecoder('utf-16be');
  return { write: (chunk) => text.decode(chunk, { stream: true }), end: () => text.decode() };
}

async function readAll(
  chunks: AsyncIterable<Buffer>,
  decoder: ChunkDecoder,
  maxBytes: number,
): Promise<string> {
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (bytes > maxBytes)
      throw new InputError(
        `JSON document is larger than ${Math.round(maxBytes / 1048576)} MiB; use a line format (CSV export) for data this size`,
      );
    parts.push(decoder.write(chunk));
  }
  parts.push(decoder.end());
  return parts.join('');
}
