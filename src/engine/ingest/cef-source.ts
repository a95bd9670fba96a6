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
import { eachLine } from './lines.js';
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
  let batch: string[] = [];
  // Only the columns some line filled are read back: DuckDB's JSON reader slows with every declared column.
  const seen = new Set<string>();
  await eachLine(
    file.path,
    file.gzip,
    (text, line) => {
      if (text.trim() === '') return;
      const parsed = parseCefLine(text, now);
      if (parsed.ok) {
        for (const key in parsed.row) seen.add(key);
        batch.push(JSON.stringify(parsed.row));
      } else {
        malformed += 1;
        if (firstMalformed.length < 5) firstMalformed.push(`${file.path}:${line} ${parsed.reason}`);
      }
    },
    async (bytesRead) => {
      if (batch.length > 0) {
        const ok = out.write(`${batch.join('\n')}\n`);
        batch = [];
        if (!ok) await once(out, 'drain');
      }
      if (!file.gzip) onBytes?.(Math.min(1, bytesRead / Math.max(1, file.size)));
    },
  );
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  out.end();
  await once(out, 'close');
  const columns = CEF_COLUMNS.filter((name) => seen.has(name)).map((name) => ({ name, type: 'VARCHAR' }));
  if (columns.length === 0) columns.push({ name: 'TimeGenerated', type: 'VARCHAR' });
  return {
    sql: `SELECT * FROM read_json(${quoteLiteral(tempFile)}, format='newline_delimited', columns=${columnsStruct(columns)})`,
    columns,
    emptyRowsAreMalformed: false,
    tempFile,
    malformed,
    firstMalformed,
  };
}
