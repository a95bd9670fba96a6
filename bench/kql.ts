/**
 * Local KQL benchmark (not a test): the seed's DnsEvents hunt, verbatim, translated to SQL and run on
 * N generated DnsEvents rows, against hand-written DuckDB SQL for the same answer in the same run.
 * Also: parser load, first (cold) and warm translation times, and huntforge's own domain hunt
 * (has_any pre-filter + label-suffix match with mv-expand) against its hand-written equivalent.
 * Run: npm run bench:kql [-- rows]   (or KQL_ROWS=5000000 npm run bench:kql)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadKusto } from '../src/kql/kusto.js';
import { connectionDatabase, describeTables, runKql } from '../src/kql/run.js';
import { translateKql } from '../src/kql/translate/index.js';
import { duckType } from '../src/kql/translate/sql.js';
import { tableSchema } from '../src/schemas/tables.js';

const rows = Number(process.argv[2] ?? process.env.KQL_ROWS ?? 5_000_000);
const RUNS = 5;

const seedDns = readFileSync(
  join(import.meta.dirname, '..', 'test', 'kql', 'corpus', 'seed', 'dnsevents.kql'),
  'utf8',
);
const seedHandWritten = `SELECT TimeGenerated, COALESCE(Computer, '') AS Computer, Name, COALESCE(IPAddresses, '') AS IPAddresses, COALESCE(QueryType, '') AS QueryType
FROM DnsEvents
WHERE regexp_matches(Name, '(?i)(^|[^a-z0-9])(airtellwireless\\.it\\.com|theponzu\\.com|sc88884\\.com)([^a-z0-9]|$)')
ORDER BY TimeGenerated DESC NULLS LAST`;

const domainHunt = `let lookback = 3650d;
let ioc_domains = dynamic(["airtellwireless.it.com", "theponzu.com", "sc88884.com"]);
DnsEvents
| where TimeGenerated > ago(lookback)
| where Name has_any (ioc_domains)
| extend _labels = split(trim_end(@"\\.", tolower(Name)), ".")
| mv-expand _i = range(0, array_length(_labels) - 1) to typeof(int)
| extend MatchedIndicator = strcat_array(array_slice(_labels, _i, -1), ".")
| where MatchedIndicator in (ioc_domains)
| project TimeGenerated, Computer, Name, IPAddresses, QueryType, MatchedIndicator
| order by TimeGenerated desc`;
// What an engineer would write for the same answer: a regex pre-filter, then the suffix test.
const domainHandWritten = `WITH candidates AS (
  SELECT TimeGenerated, COALESCE(Computer, '') AS Computer, Name, COALESCE(IPAddresses, '') AS IPAddresses,
    COALESCE(QueryType, '') AS QueryType, lower(rtrim(Name, '.')) AS host
  FROM DnsEvents
  WHERE regexp_matches(Name, '(?i)(^|[^a-z0-9])(airtellwireless\\.it\\.com|theponzu\\.com|sc88884\\.com)([^a-z0-9]|$)'))
SELECT TimeGenerated, Computer, Name, IPAddresses, QueryType, d AS MatchedIndicator
FROM candidates, (VALUES ('airtellwireless.it.com'), ('theponzu.com'), ('sc88884.com')) AS iocs(d)
WHERE host = d OR ends_with(host, '.' || d)
ORDER BY TimeGenerated DESC NULLS LAST`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const db = connectionDatabase(connection);

  let t = performance.now();
  const columns = tableSchema('DnsEvents')!.map((c) => `"${c.name}" ${duckType(c.type)}`);
  await connection.run(`CREATE TABLE DnsEvents (${columns.join(', ')})`);
  // Mostly benign names; about 1 in 20,000 rows is an indicator, a subdomain or a near miss.
  await connection.run(`INSERT INTO DnsEvents (TimeGenerated, Computer, EventId, SubType, ClientIP, Name, QueryType, ResultCode, IPAddresses, Type)
    SELECT TIMESTAMP '2026-04-25 00:00:00' + to_microseconds(i * 50000), 'dc' || (i % 50) || '.corp.local', 256, 'LookupQuery',
      '10.' || (i % 256) || '.' || ((i // 256) % 256) || '.' || ((i // 65536) % 256),
      CASE i % 20000
        WHEN 7 THEN 'theponzu.com' WHEN 8 THEN 'x' || (i % 9) || '.THEPONZU.com.' WHEN 9 THEN 'theponzu.com.evil.net'
        WHEN 10 THEN 'nottheponzu.com' WHEN 11 THEN 'SC88884.COM' WHEN 12 THEN 'mail.airtellwireless.it.com'
        WHEN 13 THEN 'airtellwireless.it' ELSE 'host' || (i % 5000) || '.example' || (i % 97) || '.com' END,
      ['A', 'AAAA', 'CNAME', 'TXT', 'MX'][1 + i % 5], CASE WHEN i % 20 = 0 THEN 3 ELSE 0 END,
      '93.184.' || (i % 256) || '.' || ((i // 7) % 256), 'DnsEvents'
    FROM range(${rows}) AS r(i)`);
  const generateMs = performance.now() - t;

  t = performance.now();
  loadKusto();
  const loadMs = performance.now() - t;
  const { tables, storedTypes } = await describeTables(db);
  t = performance.now();
  translateKql(seedDns, tables, { storedTypes });
  const coldMs = performance.now() - t;
  const warm: number[] = [];
  let translated = translateKql(seedDns, tables, { storedTypes });
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    translated = translateKql(seedDns, tables, { storedTypes });
    warm.push(performance.now() - t);
  }
  const warmHunt: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    translateKql(domainHunt, tables, { storedTypes });
    warmHunt.push(performance.now() - t);
  }

  const time = async (sql: string) => {
    await connection.runAndReadAll(sql); // warm-up
    const runs: number[] = [];
    let count = 0;
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      count = (await connection.runAndReadAll(sql)).currentRowCount;
      runs.push(performance.now() - s);
    }
    return { ms: median(runs), count };
  };

  const seedKql = await time(translated.sql);
  const seedSql = await time(seedHandWritten);
  const e2e: number[] = [];
  let e2eRows = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    e2eRows = (await runKql(db, seedDns)).rows.length;
    e2e.push(performance.now() - s);
  }
  const huntSql = translateKql(domainHunt, tables, { storedTypes }).sql;
  const huntKql = await time(huntSql);
  const huntHand = await time(domainHandWritten);

  const sameSeed =
    JSON.stringify((await db.query(translated.sql)).map((r) => r.Name)) ===
    JSON.stringify((await db.query(seedHandWritten)).map((r) => r.Name));

  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `DnsEvents rows: ${rows.toLocaleString('en-US')} (generated in DuckDB in ${fmt(generateMs)} ms)`,
  );
  console.log(`parser load: ${fmt(loadMs)} ms; first translation (cold analyzer): ${fmt(coldMs)} ms`);
  console.log(
    `translation after load: seed query ${fmt(median(warm))} ms, domain hunt ${fmt(median(warmHunt))} ms (median of 20)`,
  );
  console.log(
    `seed DnsEvents query: translated ${fmt(seedKql.ms)} ms, hand-written SQL ${fmt(seedSql.ms)} ms, ratio ${(seedKql.ms / seedSql.ms).toFixed(2)}x (${seedKql.count} vs ${seedSql.count} rows, same rows: ${sameSeed})`,
  );
  console.log(
    `seed DnsEvents query end to end (runKql: describe + translate + run + JSON rows): ${fmt(median(e2e))} ms, ${e2eRows} rows`,
  );
  console.log(
    `domain hunt (has_any + mv-expand suffix match): translated ${fmt(huntKql.ms)} ms, hand-written SQL ${fmt(huntHand.ms)} ms, ratio ${(huntKql.ms / huntHand.ms).toFixed(2)}x (${huntKql.count} vs ${huntHand.count} rows)`,
  );
  connection.closeSync();
}

await main();
