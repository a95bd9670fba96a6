import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseArmTemplate } from '../../src/remote/arm-template.js';
import { type ArmWorkspace, deployAlertRule, deployWatchlist } from '../../src/remote/sentinel-arm.js';
import { runCli } from '../support/cli.js';
import { ARM_TOKEN, type FakeSentinel, startFakeSentinel } from '../support/fake-sentinel.js';

const RULE_A = '0f6f2a7e-1111-4c1e-9a53-5d1c3a2b0001';
const RULE_B = '0f6f2a7e-2222-4c1e-9a53-5d1c3a2b0002';

/** The shape `huntforge generate` writes to sentinel/arm/analytics-rules.json. */
function template(severityA = 'High') {
  const rule = (id: string, name: string, severity: string, query: string) => ({
    type: 'Microsoft.OperationalInsights/workspaces/providers/alertRules',
    apiVersion: '2023-02-01',
    name: `[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '${id}')]`,
    kind: 'Scheduled',
    properties: {
      displayName: name,
      description: 'NanoCore RAT C2',
      severity,
      enabled: true,
      query,
      queryFrequency: 'PT1H',
      queryPeriod: 'P14D',
      triggerOperator: 'GreaterThan',
      triggerThreshold: 0,
      suppressionDuration: 'PT5H',
      suppressionEnabled: false,
      tactics: ['CommandAndControl'],
      techniques: ['T1071'],
      entityMappings: [
        { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'DestinationIP' }] },
      ],
      incidentConfiguration: {
        createIncident: true,
        groupingConfiguration: {
          enabled: true,
          reopenClosedIncident: false,
          lookbackDuration: 'PT5H',
          matchingMethod: 'AllEntities',
        },
      },
    },
  });
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { workspace: { type: 'string' } },
    resources: [
      rule(
        RULE_A,
        'NanoCore C2 IP (CommonSecurityLog)',
        severityA,
        'CommonSecurityLog | where DestinationIP == "104.21.9.66"',
      ),
      rule(RULE_B, 'NanoCore C2 domain (DnsEvents)', 'Medium', 'DnsEvents | where Name =~ "theponzu.com"'),
    ],
  };
}

const CSV =
  'SearchKey,Type,Value\n104.21.9.66,ipv4,104.21.9.66\ntheponzu.com,domain,theponzu.com\nbad.example,domain,bad.example\n';

let sentinel: FakeSentinel;
let dir: string;

before(async () => {
  sentinel = await startFakeSentinel();
  dir = await mkdtemp(join(tmpdir(), 'huntforge-deploy-'));
  await mkdir(join(dir, 'sentinel', 'arm'), { recursive: true });
  await mkdir(join(dir, 'watchlists'), { recursive: true });
  await writeFile(join(dir, 'sentinel', 'arm', 'analytics-rules.json'), JSON.stringify(template()));
  await writeFile(join(dir, 'watchlists', 'nanocore-iocs.csv'), CSV);
  await writeFile(join(dir, 'report.json'), JSON.stringify({ not: 'a template' }));
});
after(async () => {
  await sentinel.close();
  await rm(dir, { recursive: true, force: true });
});

const deploy = (...extra: string[]) =>
  runCli(
    [
      'deploy',
      dir,
      '--subscription',
      'sub-1',
      '--resource-group',
      'soc',
      '--workspace',
      'sentinel-prod',
      '--endpoint',
      sentinel.url,
      '--json',
      ...extra,
    ],
    { env: { HUNTFORGE_ACCESS_TOKEN: ARM_TOKEN } },
  );

test('the ARM template parser takes the rule id from the resource name expression', () => {
  const parsed = parseArmTemplate(template(), 'rules.json');
  assert.deepEqual(
    parsed.alertRules.map((r) => [r.ruleId, r.kind]),
    [
      [RULE_A, 'Scheduled'],
      [RULE_B, 'Scheduled'],
    ],
  );
  const scoped = parseArmTemplate(
    {
      parameters: { ruleId: { defaultValue: 'abc-123' } },
      resources: [
        {
          type: 'Microsoft.SecurityInsights/alertRules',
          name: "[parameters('ruleId')]",
          kind: 'NRT',
          properties: { displayName: "[concat('x', '-', 'y')]" },
        },
      ],
    },
    't.json',
  );
  assert.deepEqual(scoped.alertRules[0], {
    ruleId: 'abc-123',
    kind: 'NRT',
    properties: { displayName: 'x-y' },
    origin: 't.json#resources[0]',
  });
  assert.throws(
    () => parseArmTemplate({ resources: [{ type: 'x/alertRules', name: "[parameters('id')]" }] }, 'u.json'),
    /u\.json#resources\[0\]: cannot work out the resource name/,
  );
});

test('deploy --dry-run, then deploy, then deploy again: the last changes nothing', async () => {
  const dry = await deploy('--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout);
  assert.equal(plan.dryRun, true);
  assert.deepEqual(
    plan.changes.map((c: { kind: string; action: string }) => [c.kind, c.action]),
    [
      ['watchlist', 'created'],
      ['alertRule', 'created'],
      ['alertRule', 'created'],
    ],
  );
  assert.equal(sentinel.writes().length, 0, 'a dry run writes nothing');

  const first = await deploy();
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(
    JSON.parse(first.stdout).changes.map((c: { action: string }) => c.action),
    ['created', 'created', 'created'],
  );
  assert.equal(sentinel.rules.size, 2);
  assert.equal(sentinel.rules.get(RULE_A)?.properties.severity, 'High');
  assert.equal(sentinel.items.get('nanocore-iocs')?.size, 3);
  const writesAfterFirst = sentinel.writes().length;
  const put = sentinel.requests.find((r) => r.method === 'PUT' && r.path.endsWith(RULE_A))!;
  assert.match(
    put.path,
    /^\/subscriptions\/sub-1\/resourceGroups\/soc\/providers\/Microsoft\.OperationalInsights\/workspaces\/sentinel-prod\/providers\/Microsoft\.SecurityInsights\/alertRules\//,
  );
  assert.ok(put.query.get('api-version'));

  const second = await deploy();
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(
    JSON.parse(second.stdout).changes.map((c: { action: string }) => c.action),
    ['unchanged', 'unchanged', 'unchanged'],
  );
  assert.equal(sentinel.writes().length, writesAfterFirst, 'the second deploy wrote nothing');
});

test('a changed field updates just that rule, with its etag; text output names the field', async () => {
  await writeFile(join(dir, 'sentinel', 'arm', 'analytics-rules.json'), JSON.stringify(template('Medium')));
  const etag = sentinel.rules.get(RULE_A)!.etag;
  const r = await runCli(
    [
      'deploy',
      dir,
      '--subscription',
      'sub-1',
      '--resource-group',
      'soc',
      '--workspace',
      'sentinel-prod',
      '--endpoint',
      sentinel.url,
    ],
    { env: { HUNTFORGE_ACCESS_TOKEN: ARM_TOKEN } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`^updated +rule +${RULE_A} +NanoCore C2 IP \\(CommonSecurityLog\\) +\\(severity\\)$`, 'm'),
  );
  assert.match(r.stdout, /^0 created, 1 updated, 2 unchanged$/m);
  const put = sentinel.requests.filter((q) => q.method === 'PUT' && q.path.endsWith(RULE_A)).at(-1)!;
  assert.equal((put.body as { etag: string }).etag, etag);
  assert.equal(sentinel.rules.get(RULE_A)?.properties.severity, 'Medium');
});

test('watchlists: items missing from the content are removed, new ones added', async () => {
  const ws: ArmWorkspace = {
    subscriptionId: 'sub-1',
    resourceGroup: 'soc',
    workspaceName: 'sentinel-prod',
    token: ARM_TOKEN,
    endpoint: sentinel.url,
  };
  const list = {
    alias: 'nanocore-iocs',
    properties: {
      displayName: 'nanocore-iocs',
      provider: 'huntforge',
      source: 'nanocore-iocs.csv',
      itemsSearchKey: 'SearchKey',
      description: 'IOC watchlist deployed by huntforge from nanocore-iocs.csv',
      rawContent: 'SearchKey,Type,Value\n104.21.9.66,ipv4,104.21.9.66\nnew.example,domain,new.example\n',
    },
  };
  const plan = await deployWatchlist(ws, list, { dryRun: true });
  assert.equal(plan.action, 'updated');
  assert.deepEqual(plan.changedFields, ['items']);
  assert.equal(plan.removedItems, 2);
  assert.equal(sentinel.items.get('nanocore-iocs')?.size, 3, 'dry run left the items alone');
  await deployWatchlist(ws, list);
  const values = [...sentinel.items.get('nanocore-iocs')!.values()].map((v) => v.SearchKey).sort();
  assert.deepEqual(values, ['104.21.9.66', 'new.example']);
  assert.equal((await deployWatchlist(ws, list)).action, 'unchanged');
});

test('ARM errors: a bad rule is a 400 with the service message; a bad token is 401 without the token', async () => {
  const ws: ArmWorkspace = {
    subscriptionId: 's',
    resourceGroup: 'r',
    workspaceName: 'w',
    token: ARM_TOKEN,
    endpoint: sentinel.url,
    retry: { baseDelayMs: 1 },
  };
  await assert.rejects(
    deployAlertRule(ws, { ruleId: 'x', kind: 'Scheduled', properties: { displayName: 'no query' } }),
    /HTTP 400 — BadRequest: kind, displayName and query are required/,
  );
  const wrong = 'eyJhbGc.eyJzdWIi.wrong-signature';
  await assert.rejects(
    deployAlertRule({ ...ws, token: wrong }, { ruleId: 'x', kind: 'Scheduled', properties: {} }),
    (err: Error) => {
      assert.match(err.message, /HTTP 401 — InvalidAuthenticationToken/);
      assert.doesNotMatch(err.message, /wrong-signature/);
      return true;
    },
  );
  sentinel.queue({ status: 429, headers: { 'retry-after': '0' } });
  assert.equal(
    (
      await deployAlertRule(ws, {
        ruleId: RULE_B,
        kind: 'Scheduled',
        properties: { displayName: 'NanoCore C2 domain (DnsEvents)' },
      })
    ).action,
    'unchanged',
  );
});

test('deploy without required options or inputs exits 2', async () => {
  const [noSub, nothing] = await Promise.all([
    runCli(['deploy', dir, '--resource-group', 'soc', '--workspace', 'w']),
    runCli(['deploy', '--subscription', 's', '--resource-group', 'soc', '--workspace', 'w'], {
      cwd: tmpdir(),
    }),
  ]);
  assert.equal(noSub.status, 2);
  assert.match(noSub.stderr, /--subscription is required/);
  assert.equal(nothing.status, 2);
  assert.match(nothing.stderr, /give the ARM templates to deploy/);
});
