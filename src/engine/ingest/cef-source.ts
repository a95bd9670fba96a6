/**
 * CEF files: parsed line by line in JS (a text format DuckDB cannot split), streamed as JSON Lines into
 * a temporary file that DuckDB then reads in parallel like any other source.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { HuntDatabase } from '../database.js';
import { CEF_COLUMNS, parseCefLine } from './cef.js';
import type { ClassifiedFile } from './classify.js';
import { readLines } from './lines.js';
import type { Source } from './load.js';
import { columnsStruct, quoteLiteral } from './sql.js';

export interface CefSource extends Source {
  tempFile: string;
  malformed: number;
  firstMalformed: string[];
}

let counter = 0;

export async function cefSource(
  db: HuntDatabase,
  file: ClassifiedFile,
  onBytes?: (fraction: number) => void,
): Promise<CefSource> {
  counter += 1;
  const tempFile = join(db.tempDirectory, `cef-${process.pid}-${counter}.jsonl`);
  const out = createWriteStream(tempFile, { highWaterMark: 1 << 20 });
  const now = new Date();
  let malformed = 0;
  const firstMalformed: string[] = [];
  let line = 0;
  let bytes = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const ok = out.write(batch.join(''));
    batch = [];
    if (!ok) await once(out, 'drain');
  };
  for await (const text of readLines(file.path, file.gzip)) {
    line += 1;
    bytes += text.length + 1;
    if (text.trim() === '') continue;
    const parsed = parseCefLine(text, now);
    if (parsed.ok) batch.push(`${JSON.stringify(parsed.row)}\n`);
    else {
      malformed += 1;
      if (firstMalformed.length < 5) firstMalformed.push(`${file.path}:${line} ${parsed.reason}`);
    }
    if (batch.length >= 4096) {
      await flush();
      onBytes?.(file.gzip ? 0 : Math.min(1, bytes / Math.max(1, file.size)));
    }
  }
  await flush();
  out.end();
  await once(out, 'close');
  const columns = CEF_COLUMNS.map((name) => ({ name, type: 'VARCHAR' }));
  return {
    sql: `SELECT * FROM read_json(${quoteLiteral(tempFile)}, format='newline_delimited', columns=${columnsStruct(columns)})`,
    columns,
    emptyRowsAreMalformed: false,
    tempFile,
    malformed,
    firstMalformed,
  };
}
