/** `huntforge run`: runs hunts (or one --query) on Sentinel / Log Analytics, Azure Data Explorer or Defender XDR. */
import { DEFAULT_TABLE_CONNECTORS } from '../remote/connectors.js';
import { loadHuntsForRemote } from '../remote/hunt-source.js';
import { redactError } from '../remote/redact.js';
import { runRemoteHunts } from '../remote/run-hunts.js';
import { checkTables, type TableCheck } from '../remote/table-check.js';
import { createTarget, type TargetSpec } from '../remote/target.js';
import { parseCommandArgs, parseDuration } from './args.js';
import { type Command, UsageError } from './command.js';
import { HUNT_CONFIG_HELP, HUNT_CONFIG_OPTIONS, huntPlanOptions } from './intel-input.js';
import { printWarnings } from './warnings.js';

const HELP = `Usage: huntforge run <input...> (--workspace ID | --cluster URL --database DB | --defender)
                     [--query KQL] [--check] [--table T...] [--lookback 14d] [--endpoint URL]
                     [--json] [--fail-on-findings]

Runs the hunts planned from the inputs — or one --query — where the logs live, and reports
findings in the same format as 'huntforge hunt'.

Targets:
  --workspace ID        Log Analytics / Microsoft Sentinel workspace id (GUID)
  --cluster URL --database DB
                        Azure Data Explorer
  --defender            Defender XDR advanced hunting (Microsoft Graph runHuntingQuery)

Options:
  --query KQL           run this query instead of planned hunts; project a MatchedIndicator column
                        to name the indicator each row matched
  --check               first check, with one cheap query, which tables hold data in the lookback,
                        name the connector to enable for each empty one, and skip hunts on them.
                        Alone (no inputs, no --query) it only checks: --table T, or every known table
  --lookback D          time range to hunt (default 14d)
  --endpoint URL        service base URL (sovereign clouds, proxies)
  --json                {"findings":[…],"summary":{…},"warnings":[…]}
  --fail-on-findings    exit 1 when anything was found
${HUNT_CONFIG_HELP}

Exit codes: 0 done; 1 findings with --fail-on-findings; 2 errors (nothing ran);
  3 a partial run: some hunts did not complete because of a fault (timeout, dropped connection,
  malformed reply, server error, expired token). Each is listed with status "failed" and its
  message (in --json under summary.hunts, and named in warnings), and the findings of the hunts
  that did complete are all reported. Hunts the service refused as queries (HTTP 400, e.g. a
  table the workspace lacks) are listed as failed too but do not make the run partial.

Credentials: HUNTFORGE_ACCESS_TOKEN (a bearer token for the service), else the Azure sign-in
found by DefaultAzureCredential (az login, managed identity, environment service principal).
A token the service rejects mid-run (HTTP 401) is refreshed once through the Azure sign-in;
HUNTFORGE_ACCESS_TOKEN cannot be refreshed, so the hunts left are reported as not completed.

Example:
  huntforge run --workspace 0b0c…e1 --query 'DnsEvents | where Name has "theponzu.com" | extend MatchedIndicator = "theponzu.com"'
  huntforge run --check --workspace 0b0c…e1 --table DnsEvents --table CommonSecurityLog
`;

/** Some hunts did not complete; the findings of those that did are reported. */
export const PARTIAL_RUN_EXIT = 3;

export const runCommand: Command = {
  name: 'run',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      workspace: { type: 'string' },
      cluster: { type: 'string' },
      database: { type: 'string' },
      defender: { type: 'boolean' },
      query: { type: 'string' },
      check: { type: 'boolean' },
      table: { type: 'string', multiple: true },
      lookback: { type: 'string', default: '14d' },
      endpoint: { type: 'string' },
      json: { type: 'boolean' },
      'fail-on-findings': { type: 'boolean' },
      ...HUNT_CONFIG_OPTIONS,
    });
    const spec = targetSpec(values);
    const lookbackMs = parseDuration(String(values.lookback), '--lookback');
    const query = values.query as string | undefined;
    const json = values.json === true;
    const target = createTarget(spec);

    try {
      if (values.check && positionals.length === 0 && query === undefined) {
        const tables = (values.table as string[] | undefined) ?? Object.keys(DEFAULT_TABLE_CONNECTORS);
        const check = await checkTables(tables, lookbackMs, target, DEFAULT_TABLE_CONNECTORS);
        printCheck(check, json);
        return 0;
      }
      const hunts = await loadHuntsForRemote(positionals, {
        query,
        dialect: spec.kind === 'defender' ? 'defender' : 'sentinel',
        lookbackMs,
        plan: query === undefined ? await huntPlanOptions(values) : undefined,
      });
      const result = await runRemoteHunts(hunts, target, { lookbackMs, check: values.check === true });
      if (json) {
        const out = { findings: result.findings, summary: result.summary, warnings: result.warnings };
        process.stdout.write(
          `${JSON.stringify(result.tableCheck ? { ...out, tables: result.tableCheck.tables } : out, null, 2)}\n`,
        );
      } else {
        printWarnings(result.warnings);
        for (const h of result.summary.hunts)
          process.stdout.write(
            `${h.status.padEnd(7)} ${h.huntId}  ${h.table || '-'}  ${h.rows} rows${h.message ? `  (${h.message})` : ''}\n`,
          );
        for (const f of result.findings)
          process.stdout.write(
            `${f.timestamp ?? '-'}  ${f.table}  ${f.indicator || '-'}${f.indicatorPort != null ? `:${f.indicatorPort}` : ''}  host=${f.host ?? '-'}  user=${f.user ?? '-'}\n`,
          );
        process.stdout.write(`${result.findings.length} findings on ${target.label}\n`);
      }
      if (result.incomplete.length > 0) {
        if (json)
          process.stderr.write(
            `warning: partial run: ${result.incomplete.length} of ${result.summary.hunts.length} hunts did not complete (${result.incomplete.join(', ')})\n`,
          );
        return PARTIAL_RUN_EXIT;
      }
      return values['fail-on-findings'] && result.findings.length > 0 ? 1 : 0;
    } catch (err) {
      throw redactError(err);
    }
  },
};

function targetSpec(values: Record<string, unknown>): TargetSpec {
  const endpoint = values.endpoint as string | undefined;
  const chosen = [
    values.workspace !== undefined,
    values.cluster !== undefined,
    values.defender === true,
  ].filter(Boolean).length;
  if (chosen !== 1)
    throw new UsageError('choose one target: --workspace ID, --cluster URL --database DB, or --defender');
  if (values.workspace !== undefined)
    return { kind: 'log-analytics', workspaceId: String(values.workspace), endpoint };
  if (values.cluster !== undefined) {
    if (!values.database) throw new UsageError('--cluster needs --database');
    const clusterUrl = String(values.cluster);
    if (!/^https?:\/\//i.test(clusterUrl))
      throw new UsageError(
        `--cluster: expected a URL such as https://mycluster.westeurope.kusto.windows.net, got '${clusterUrl}'`,
      );
    return { kind: 'adx', clusterUrl, database: String(values.database), endpoint };
  }
  return { kind: 'defender', endpoint };
}

function printCheck(check: TableCheck, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ tables: check.tables, warnings: check.warnings }, null, 2)}\n`);
    return;
  }
  for (const t of check.tables)
    process.stdout.write(
      `${t.hasData ? 'data   ' : 'no data'}  ${t.table}${t.hasData || !t.connectors.length ? '' : `  — enable ${t.connectors.join(' or ')}`}\n`,
    );
}
