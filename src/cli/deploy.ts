/** `huntforge deploy`: analytics rules and watchlists via ARM, indicators via the STIX upload API. */
import { existsSync } from 'node:fs';
import { getAccessToken, SCOPES } from '../remote/credentials.js';
import { collectDeployInputs } from '../remote/deploy-inputs.js';
import { redactError } from '../remote/redact.js';
import {
  type ArmWorkspace,
  type DeployChange,
  deployAlertRule,
  deployWatchlist,
} from '../remote/sentinel-arm.js';
import { type StixUploadResult, uploadStixObjects } from '../remote/stix-upload.js';
import { parseCommandArgs } from './args.js';
import { type Command, UsageError, UserFacingError } from './command.js';

const HELP = `Usage: huntforge deploy [<dir|template.json>...] --subscription ID --resource-group RG --workspace NAME
                        [--watchlist FILE.csv] [--workspace-id GUID [--stix FILE]] [--dry-run]
                        [--endpoint URL] [--arm-endpoint URL] [--stix-endpoint URL] [--json]

Deploys to a Microsoft Sentinel workspace what 'huntforge generate' wrote (default ./sentinel/arm):
the analytics rules and watchlists of ARM templates, watchlists from watchlists/*.csv, and — with
--workspace-id — the STIX indicators of stix/*.json. Each rule and watchlist is read first and
written only when a field huntforge owns differs, so deploying twice changes nothing.
STIX objects go through the Sentinel STIX objects upload API: 100 objects per request, at most
100 requests a minute; records the service rejects are listed.

Options:
  --subscription ID      Azure subscription id
  --resource-group RG    resource group of the workspace
  --workspace NAME       Log Analytics workspace name
  --watchlist FILE.csv   a watchlist to deploy (first column is the search key; alias = file name)
  --workspace-id GUID    workspace id (GUID), needed to upload STIX objects
  --stix FILE            STIX 2.1 bundle (or array) of indicators to upload
  --dry-run              print what would change; write nothing
  --endpoint URL         base URL for every service (tests, proxies)
  --arm-endpoint URL     Azure Resource Manager (default https://management.azure.com)
  --stix-endpoint URL    STIX upload API (default https://api.ti.sentinel.azure.com)
  --json                 print the plan/result as JSON

Needs the Microsoft Sentinel Contributor role on the workspace. Credentials: HUNTFORGE_ACCESS_TOKEN
(a token for https://management.azure.com), else DefaultAzureCredential.
Exit codes: 0 deployed (or planned); 1 some STIX records were rejected; 2 errors.

Example:
  huntforge deploy out --subscription 1111… --resource-group soc --workspace sentinel-prod --dry-run
`;

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy rules, watchlists and indicators to a Sentinel workspace',
  help: HELP,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      subscription: { type: 'string' },
      'resource-group': { type: 'string' },
      workspace: { type: 'string' },
      'workspace-id': { type: 'string' },
      stix: { type: 'string', multiple: true },
      watchlist: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      endpoint: { type: 'string' },
      'arm-endpoint': { type: 'string' },
      'stix-endpoint': { type: 'string' },
      json: { type: 'boolean' },
    });
    for (const flag of ['subscription', 'resource-group', 'workspace'])
      if (!values[flag]) throw new UsageError(`--${flag} is required`);
    if (values.stix && !values['workspace-id'])
      throw new UsageError('--stix needs --workspace-id (the workspace GUID)');
    const dryRun = values['dry-run'] === true;
    const paths = positionals.length ? positionals : existsSync('sentinel/arm') ? ['sentinel/arm'] : [];
    if (paths.length === 0 && !values.stix)
      throw new UsageError(
        "give the ARM templates to deploy (or the directory 'huntforge generate' wrote), or --stix FILE",
      );

    const inputs = await collectDeployInputs(paths, {
      stixFiles: values.stix as string[] | undefined,
      watchlistFiles: values.watchlist as string[] | undefined,
      includeStixFromDirs: values['workspace-id'] !== undefined,
    });
    const hasStix = inputs.stixFiles.length > 0;
    if (inputs.alertRules.length === 0 && inputs.watchlists.length === 0 && !hasStix)
      throw new UserFacingError(`${paths.join(', ')}: no alert rules, watchlists or STIX bundles found`);
    if (inputs.skippedStix)
      process.stderr.write(
        `huntforge deploy: ${inputs.skippedStix} STIX objects of types the upload API does not take were left out\n`,
      );

    try {
      const token = await getAccessToken(SCOPES.management);
      const ws: ArmWorkspace = {
        subscriptionId: String(values.subscription),
        resourceGroup: String(values['resource-group']),
        workspaceName: String(values.workspace),
        token,
        endpoint: (values['arm-endpoint'] ?? values.endpoint) as string | undefined,
      };
      const changes: DeployChange[] = [];
      // Watchlists first: rules that outgrew the query limit read their indicators from them.
      for (const list of inputs.watchlists) changes.push(await deployWatchlist(ws, list, { dryRun }));
      for (const rule of inputs.alertRules) changes.push(await deployAlertRule(ws, rule, { dryRun }));
      let stix: StixUploadResult | undefined;
      if (hasStix)
        stix = await uploadStixObjects(String(values['workspace-id']), inputs.stixObjects, {
          token,
          dryRun,
          endpoint: (values['stix-endpoint'] ?? values.endpoint) as string | undefined,
        });
      report(changes, stix, dryRun, values.json === true);
      return stix && stix.errors.length > 0 ? 1 : 0;
    } catch (err) {
      throw redactError(err);
    }
  },
};

const VERB: Record<DeployChange['action'], [string, string]> = {
  created: ['create', 'created'],
  updated: ['update', 'updated'],
  unchanged: ['keep', 'unchanged'],
};

function report(
  changes: DeployChange[],
  stix: StixUploadResult | undefined,
  dryRun: boolean,
  json: boolean,
): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ dryRun, changes, ...(stix ? { stix } : {}) }, null, 2)}\n`);
    return;
  }
  for (const c of changes) {
    const verb = dryRun ? `would ${VERB[c.action][0]}` : VERB[c.action][1];
    const detail = c.changedFields.length ? `  (${c.changedFields.join(', ')})` : '';
    process.stdout.write(
      `${verb.padEnd(14)} ${c.kind === 'alertRule' ? 'rule     ' : 'watchlist'} ${c.id}  ${c.name}${detail}\n`,
    );
  }
  const [c, u, k] = (['created', 'updated', 'unchanged'] as const).map(
    (a) => changes.filter((x) => x.action === a).length,
  );
  process.stdout.write(
    dryRun
      ? `plan: ${c} to create, ${u} to update, ${k} unchanged\n`
      : `${c} created, ${u} updated, ${k} unchanged\n`,
  );
  if (stix) {
    process.stdout.write(
      dryRun
        ? `plan: upload ${stix.objects} STIX objects in ${stix.requests} requests\n`
        : `STIX upload: ${stix.accepted} of ${stix.objects} objects accepted in ${stix.requests} requests\n`,
    );
    for (const e of stix.errors)
      process.stdout.write(`  rejected #${e.index} ${e.id ?? ''}: ${e.messages.join('; ')}\n`);
  }
}
