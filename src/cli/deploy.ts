/** `huntforge deploy`: analytics rules and watchlists via ARM, indicators via the STIX upload API. */
import { existsSync } from 'node:fs';
import { collectDeployInputs } from '../remote/deploy-inputs.js';
import { redactError } from '../remote/redact.js';
import {
  type AlertRuleInput,
  type ArmWorkspace,
  type DeployChange,
  deployAlertRule,
  deployWatchlist,
  type WatchlistInput,
} from '../remote/sentinel-arm.js';
import { type StixUploadResult, uploadStixObjects } from '../remote/stix-upload.js';
import { createTokenProvider } from '../remote/token-provider.js';
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
(a token for https://management.azure.com), else DefaultAzureCredential. A token that expires
during a long deploy is renewed through the Azure sign-in (HUNTFORGE_ACCESS_TOKEN cannot be).
A deploy that stops partway lists on stderr what was deployed, what failed and what was not
attempted, so the state of the workspace is known.
Exit codes: 0 deployed (or planned); 1 some STIX records were rejected; 2 errors.

Example:
  huntforge deploy out --subscription 1111… --resource-group soc --workspace sentinel-prod --dry-run
`;

export const deployCommand: Command = {
  name: 'deploy',
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

    const json = values.json === true;
    const workspace: ArmWorkspace = {
      subscriptionId: String(values.subscription),
      resourceGroup: String(values['resource-group']),
      workspaceName: String(values.workspace),
      token: createTokenProvider(),
      endpoint: (values['arm-endpoint'] ?? values.endpoint) as string | undefined,
    };
    const stix = hasStix
      ? {
          workspaceId: String(values['workspace-id']),
          endpoint: (values['stix-endpoint'] ?? values.endpoint) as string | undefined,
        }
      : undefined;
    try {
      const result = await deployToWorkspace(inputs, { workspace, stix }, { dryRun });
      report(result.changes, result.stix, dryRun, json);
      return result.stix && result.stix.errors.length > 0 ? 1 : 0;
    } catch (err) {
      if (err instanceof DeployStoppedError) reportStop(err, json);
      throw redactError(err);
    }
  },
};

export interface DeploySteps {
  watchlists: WatchlistInput[];
  alertRules: AlertRuleInput[];
  stixObjects: Record<string, unknown>[];
}

export interface DeployTarget {
  /** Its token is used for the STIX upload too (same audience). */
  workspace: ArmWorkspace;
  /** Where STIX objects go; without it they are not uploaded. */
  stix?: { workspaceId: string; endpoint?: string; batchSize?: number };
}

export interface DeployResult {
  changes: DeployChange[];
  stix?: StixUploadResult;
}

/** The step that did not complete; once a write for it was attempted it may be partly applied. */
export interface FailedStep {
  step: string;
  writeAttempted: boolean;
}

/** A deploy that stopped partway, with what it had deployed and what it never tried. */
export class DeployStoppedError extends UserFacingError {
  override name = 'DeployStoppedError';
  constructor(
    readonly reason: Error,
    readonly deployed: DeployChange[],
    /** STIX objects the service answered for before the stop. */
    readonly stixUploaded: StixUploadResult | undefined,
    readonly failed: FailedStep,
    readonly notAttempted: string[],
  ) {
    super(
      `stopped partway (${deployed.length} deployed, 1 failed, ${notAttempted.length} not attempted): ${reason.message}`,
    );
  }
}

/**
 * Deploys watchlists, then rules (rules that outgrew the query limit read their indicators from
 * the watchlists), then STIX objects — one at a time, so a stop leaves a known state.
 */
export async function deployToWorkspace(
  steps: DeploySteps,
  target: DeployTarget,
  options: { dryRun?: boolean } = {},
): Promise<DeployResult> {
  const ws = target.workspace;
  const dryRun = options.dryRun === true;
  const pending: {
    label: string;
    run: (onWrite: () => void) => Promise<void>;
    /** How the step is named once it failed, when that says more than its label. */
    failedAs?: () => string;
  }[] = [];
  const changes: DeployChange[] = [];
  let stix: StixUploadResult | undefined;
  for (const list of steps.watchlists)
    pending.push({
      label: `watchlist ${list.alias}`,
      run: async (onWrite) => {
        changes.push(await deployWatchlist(ws, list, { dryRun, onWrite }));
      },
    });
  for (const rule of steps.alertRules)
    pending.push({
      label: `rule ${rule.ruleId}  ${String(rule.properties.displayName ?? '')}`.trimEnd(),
      run: async (onWrite) => {
        changes.push(await deployAlertRule(ws, rule, { dryRun, onWrite }));
      },
    });
  const stixTarget = target.stix;
  let stixSoFar: StixUploadResult | undefined;
  const stixTotal = steps.stixObjects.length;
  if (stixTarget && stixTotal)
    pending.push({
      label: `STIX upload of ${stixTotal} objects`,
      // the objects that had not gone through when it failed
      failedAs: () =>
        stixSoFar ? `STIX upload of objects ${stixSoFar.objects + 1}–${stixTotal} (of ${stixTotal})` : '',
      run: async (onWrite) => {
        onWrite();
        stix = await uploadStixObjects(stixTarget.workspaceId, steps.stixObjects, {
          token: ws.token,
          endpoint: stixTarget.endpoint,
          batchSize: stixTarget.batchSize,
          retry: ws.retry,
          timeoutMs: ws.timeoutMs,
          dryRun,
          onProgress: (sofar) => {
            stixSoFar = sofar;
          },
        });
      },
    });

  for (const [i, step] of pending.entries()) {
    let writeAttempted = false;
    try {
      await step.run(() => {
        writeAttempted = true;
      });
    } catch (err) {
      // A dry run writes nothing: there is no partial state to report.
      if (dryRun) throw err;
      const reason = err instanceof Error ? err : new Error(String(err));
      const failed = { step: step.failedAs?.() || step.label, writeAttempted };
      throw new DeployStoppedError(
        reason,
        changes,
        stixSoFar,
        failed,
        pending.slice(i + 1).map((p) => p.label),
      );
    }
  }
  return { changes, ...(stix ? { stix } : {}) };
}

/** What the workspace holds after a stop: on stderr, and in --json on stdout. */
function reportStop(err: DeployStoppedError, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          dryRun: false,
          stopped: true,
          changes: err.deployed,
          ...(err.stixUploaded ? { stix: err.stixUploaded } : {}),
          failed: err.failed,
          notAttempted: err.notAttempted,
        },
        null,
        2,
      )}\n`,
    );
  }
  const lines = ['huntforge deploy: stopped partway; the workspace now has:'];
  for (const c of err.deployed)
    lines.push(
      `  deployed       ${c.kind === 'alertRule' ? 'rule' : 'watchlist'} ${c.id}  ${c.name}  (${c.action})`,
    );
  if (err.stixUploaded)
    lines.push(
      `  deployed       STIX objects 1–${err.stixUploaded.objects} (${err.stixUploaded.accepted} accepted, ${err.stixUploaded.errors.length} rejected)`,
    );
  lines.push(
    `  failed         ${err.failed.step}${err.failed.writeAttempted ? ' (a write was attempted: it may be partly applied)' : ' (nothing written)'}`,
  );
  for (const step of err.notAttempted) lines.push(`  not attempted  ${step}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

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
