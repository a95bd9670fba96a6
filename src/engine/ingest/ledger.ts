/**
 * Which files a database file (`--db`) already holds, so that running again on the same logs does not
 * add their rows twice. A file counts as the same when its path, size and modification time match.
 */
import type { HuntDatabase } from '../database.js';

export const LEDGER_TABLE = '_huntforge_ingested_files';

export interface LedgerFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface LedgerEntry {
  table_name: string;
  rows: number;
  ingested_at: string;
}

export async function findIngested(db: HuntDatabase, file: LedgerFile): Promise<LedgerEntry | undefined> {
  await ensureLedger(db);
  const [row] = await db.query<LedgerEntry>(
    `SELECT table_name, rows, ingested_at FROM ${LEDGER_TABLE} WHERE path = $1 AND size = $2 AND mtime_ms = $3`,
    [file.path, file.size, file.mtimeMs],
  );
  return row;
}

export async function recordIngested(
  db: HuntDatabase,
  file: LedgerFile,
  table: string,
  rows: number,
): Promise<void> {
  await ensureLedger(db);
  await db.run(`INSERT INTO ${LEDGER_TABLE} VALUES ($1, $2, $3, $4, $5, now()::TIMESTAMP)`, [
    file.path,
    file.size,
    file.mtimeMs,
    table,
    rows,
  ]);
}

async function ensureLedger(db: HuntDatabase): Promise<void> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (path VARCHAR, size BIGINT, mtime_ms DOUBLE, table_name VARCHAR, rows BIGINT, ingested_at TIMESTAMP)`,
  );
}
