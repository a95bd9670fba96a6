/** Writes examples/nanocore/logs/ from the deterministic generator (npm run examples). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nanocoreExampleLogs, toJsonLines } from './examples/nanocore-logs.js';

const dir = join('examples', 'nanocore', 'logs');
mkdirSync(dir, { recursive: true });
for (const [table, rows] of Object.entries(nanocoreExampleLogs())) {
  writeFileSync(join(dir, `${table}.jsonl`), toJsonLines(rows));
  console.log(`${join(dir, `${table}.jsonl`)}: ${rows.length} rows`);
}
