import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition, Exclusion } from '../../src/hunts/types.js';
import { parseKqlTree } from '../../src/kql/syntax.js';
import { validateKql } from '../../src/kql/validate.js';
import { compileConditionKql, compileExclusionsKql } from '../../src/render/kql/condition.js';

function assertValid(query: string): void {
  const errors = validateKql(query);
  assert.deepEqual(
    errors.map((e) => `${e.code} ${e.message}`),
    [],
    query,
  );
}

/** Compiles on `table` and checks both the selection and its exclusion form with Microsoft's parser. */
function compileValid(condition: Condition, table: string): string {
  const { kql, evaluable } = compileConditionKql(condition, table);
  assert.ok(evaluable, `not evaluable on ${table}`);
  assertValid(`${table} | where ${kql}`);
  assertValid(`${table} | where not(${kql})`);
  return kql;
}

const OPERATOR_CASES: [string, Condition, string, string][] = [
  [
    'equals, one value',
    { field: 'process', operator: 'equals', values: ['cmd.exe'] },
    'DeviceProcessEvents',
    'FileName =~ "cmd.exe"',
  ],
  [
    'equals, several values',
    { field: 'process', operator: 'equals', values: ['a.exe', 'b.exe'] },
    'DeviceProcessEvents',
    'FileName in~ ("a.exe", "b.exe")',
  ],
  [
    'equals on an int column',
    { field: 'dstPort', operator: 'equals', values: ['443', '8443'] },
    'DeviceNetworkEvents',
    '(isnotnull(RemotePort) and RemotePort in (443, 8443))',
  ],
  [
    'startswith',
    { field: 'commandLine', operator: 'startswith', values: ['"C:\\x'] },
    'DeviceProcessEvents',
    'ProcessCommandLine startswith "\\"C:\\\\x"',
  ],
  [
    'endswith',
    { field: 'processPath', operator: 'endswith', values: ['\\dhcpmon.exe'] },
    'DeviceProcessEvents',
    'FolderPath endswith "\\\\dhcpmon.exe"',
  ],
  [
    'contains, several values',
    { field: 'commandLine', operator: 'contains', values: ['/create', '-create'] },
    'DeviceProcessEvents',
    '(ProcessCommandLine contains "/create" or ProcessCommandLine contains "-create")',
  ],
  [
    'regex',
    { field: 'domain', operator: 'regex', values: ['^a\\.b$'] },
    'DnsEvents',
    'Name matches regex "^a\\\\.b$"',
  ],
  [
    'startswith on an int column',
    { field: 'dstPort', operator: 'startswith', values: ['44'] },
    'DeviceNetworkEvents',
    'tostring(RemotePort) startswith "44"',
  ],
  [
    'cidr IPv4',
    { field: 'srcIp', operator: 'cidr', values: ['10.9.0.0/24'] },
    'DnsEvents',
    'coalesce(ipv4_is_in_range(trim_start("::ffff:", ClientIP), "10.9.0.0/24"), false)',
  ],
  [
    'cidr IPv6',
    { field: 'dstIp', operator: 'cidr', values: ['2001:db8::/32'] },
    'DeviceNetworkEvents',
    'coalesce(ipv6_is_in_range(RemoteIP, "2001:db8::/32"), false)',
  ],
  [
    'cidr bare address becomes /32',
    { field: 'dstIp', operator: 'cidr', values: ['10.1.2.3'] },
    'CommonSecurityLog',
    'coalesce(ipv4_is_in_range(trim_start("::ffff:", DestinationIP), "10.1.2.3/32"), false)',
  ],
  [
    'all / any / not',
    {
      all: [
        { field: 'process', operator: 'equals', values: ['schtasks.exe'] },
        {
          any: [
            { field: 'parentProcess', operator: 'equals', values: ['explorer.exe'] },
            { not: { field: 'user', operator: 'equals', values: ['system'] } },
          ],
        },
      ],
    },
    'DeviceProcessEvents',
    '(FileName =~ "schtasks.exe" and (InitiatingProcessFileName =~ "explorer.exe" or not(AccountName =~ "system")))',
  ],
];

for (const [name, condition, table, expected] of OPERATOR_CASES) {
  test(`KQL ${name}: exact text, accepted by Microsoft's parser`, () => {
    assert.equal(compileValid(condition, table), expected);
  });
}

test('the same exclusion maps to each table’s own columns', () => {
  const condition: Condition = {
    any: [
      { field: 'process', operator: 'equals', values: ['nessusd.exe'] },
      { field: 'host', operator: 'equals', values: ['scanner01'] },
    ],
  };
  assert.equal(
    compileValid(condition, 'DeviceProcessEvents'),
    '(FileName =~ "nessusd.exe" or DeviceName =~ "scanner01")',
  );
  // 4688 records full paths: the file name is the last segment
  assert.equal(
    compileValid(condition, 'SecurityEvent'),
    '((NewProcessName =~ "nessusd.exe" or NewProcessName endswith "\\\\nessusd.exe") or Computer =~ "scanner01")',
  );
  // other operators on a file name compare the extracted last segment
  assert.equal(
    compileValid({ field: 'parentProcess', operator: 'startswith', values: ['nessus'] }, 'SecurityEvent'),
    'extract("[^\\\\\\\\]*$", 0, ParentProcessName) startswith "nessus"',
  );
  const dns = compileConditionKql(condition, 'DnsEvents');
  assert.equal(dns.kql, 'Computer =~ "scanner01"');
  assert.deepEqual(dns.skipped, [
    { field: 'process', reason: "DnsEvents has no column for logical field 'process'" },
  ]);
});

test('an all with a field the table lacks is dropped as a whole, never widened', () => {
  const condition: Condition = {
    all: [
      { field: 'host', operator: 'equals', values: ['ws01'] },
      { field: 'commandLine', operator: 'contains', values: ['/backup'] },
    ],
  };
  const dns = compileConditionKql(condition, 'DnsEvents');
  assert.equal(dns.evaluable, false);
  assert.equal(dns.kql, 'false');
  assert.equal(dns.skipped[0].field, 'commandLine');
  assert.match(dns.skipped[1].reason, /dropped as a whole/);
});

test('under not, a dropped leaf narrows too: not(any(known, unknown)) cannot be evaluated', () => {
  const condition: Condition = {
    all: [
      { field: 'host', operator: 'equals', values: ['ws01'] },
      {
        not: {
          any: [
            { field: 'srcIp', operator: 'cidr', values: ['10.0.0.0/8'] },
            { field: 'commandLine', operator: 'contains', values: ['x'] },
          ],
        },
      },
    ],
  };
  // Dropping only the unknown leaf would give host == ws01 and not(srcIp in 10/8): wider.
  const dns = compileConditionKql(condition, 'DnsEvents');
  assert.equal(dns.evaluable, false);
  // but not(all(known, unknown)) keeps its known part: not(known) is narrower than not(known and unknown)
  const narrower = compileConditionKql(
    {
      all: [
        { field: 'host', operator: 'equals', values: ['ws01'] },
        {
          not: {
            all: [
              { field: 'srcIp', operator: 'cidr', values: ['10.0.0.0/8'] },
              { field: 'commandLine', operator: 'contains', values: ['x'] },
            ],
          },
        },
      ],
    },
    'DnsEvents',
  );
  assert.equal(
    narrower.kql,
    '(Computer =~ "ws01" and not(coalesce(ipv4_is_in_range(trim_start("::ffff:", ClientIP), "10.0.0.0/8"), false)))',
  );
});

test('Table.Column fields apply to their table only', () => {
  const condition: Condition = { field: 'DnsEvents.IPAddresses', operator: 'contains', values: ['1.2.3.4'] };
  assert.equal(compileValid(condition, 'DnsEvents'), 'IPAddresses contains "1.2.3.4"');
  const other = compileConditionKql(condition, 'DeviceNetworkEvents');
  assert.equal(other.evaluable, false);
  assert.match(other.skipped[0].reason, /applies to table DnsEvents only/);
});

test('values that cannot be compiled for a column are skipped with a reason', () => {
  const port = compileConditionKql(
    { field: 'dstPort', operator: 'equals', values: ['https'] },
    'DeviceNetworkEvents',
  );
  assert.equal(port.evaluable, false);
  assert.match(port.skipped[0].reason, /'https' is not a number for the int column RemotePort/);
  const cidr = compileConditionKql(
    { field: 'dstIp', operator: 'cidr', values: ['not-an-ip'] },
    'DeviceNetworkEvents',
  );
  assert.match(cidr.skipped[0].reason, /not a CIDR range/);
  const empty = compileConditionKql({ field: 'dstIp', operator: 'cidr', values: [] }, 'DeviceNetworkEvents');
  assert.match(empty.skipped[0].reason, /no values/);
});

test('compileExclusionsKql honours scope (kinds and tables both must hold) and reports what it skips', () => {
  const exclusions: Exclusion[] = [
    {
      id: 'dns-sinkhole',
      reason: 'our sinkhole resolver',
      scope: ['domain', 'DnsEvents'],
      condition: { field: 'host', operator: 'equals', values: ['ws01.corp.local'] },
      origin: 'huntforge.yaml:2',
    },
    {
      id: 'scanners',
      reason: 'vuln scanners',
      scope: [],
      condition: {
        any: [
          { field: 'srcIp', operator: 'cidr', values: ['10.9.0.0/24'] },
          { field: 'process', operator: 'equals', values: ['nessusd.exe'] },
        ],
      },
      origin: 'huntforge.yaml:7',
    },
    {
      id: 'cmdline-only',
      reason: 'needs a command line',
      scope: ['ip'],
      condition: { field: 'commandLine', operator: 'contains', values: ['x'] },
      origin: 'huntforge.yaml:13',
    },
  ];
  const dnsDomain = compileExclusionsKql(exclusions, 'DnsEvents', 'domain');
  assert.deepEqual(dnsDomain.applied, ['dns-sinkhole', 'scanners']);
  assert.deepEqual(dnsDomain.lines, [
    '| where not(Computer =~ "ws01.corp.local")',
    '| where not(coalesce(ipv4_is_in_range(trim_start("::ffff:", ClientIP), "10.9.0.0/24"), false))',
  ]);
  assert.deepEqual(
    dnsDomain.notes.map((n) => n.exclusionId),
    ['scanners'],
  );
  assert.deepEqual(dnsDomain.skipped, []);

  const dnsIp = compileExclusionsKql(exclusions, 'DnsEvents', 'ip');
  assert.deepEqual(dnsIp.applied, ['scanners']);
  assert.deepEqual(dnsIp.skipped, [
    {
      exclusionId: 'cmdline-only',
      reason: "commandLine: DnsEvents has no column for logical field 'commandLine'",
    },
  ]);

  const network = compileExclusionsKql(exclusions, 'DeviceNetworkEvents', 'domain');
  assert.deepEqual(network.applied, ['scanners']);
  assertValid(['DeviceNetworkEvents', ...network.lines].join('\n'));
});

const HOSTILE = [
  'a"b',
  "a'b",
  'line1\nline2',
  'x | take 1',
  'x // comment',
  'x") or true or ("',
  '\\',
  'tab\there',
  'end\\"',
  '\u2028',
  '*/ /*',
];

test('hostile values stay one string literal and never change the query structure', () => {
  for (const operator of ['equals', 'startswith', 'endswith', 'contains', 'regex'] as const) {
    const render = (value: string) => {
      const { kql } = compileConditionKql(
        { field: 'commandLine', operator, values: [value, 'benign'] },
        'DeviceProcessEvents',
      );
      return `DeviceProcessEvents | where not(${kql}) | project ProcessCommandLine`;
    };
    const reference = parseKqlTree(render('placeholder'));
    for (const value of HOSTILE) {
      if (operator === 'regex' && /[\\*]/.test(value)) continue; // not a valid regex; config rejects it
      const tree = parseKqlTree(render(value));
      assert.deepEqual(tree.diagnostics, [], `${operator} ${JSON.stringify(value)}`);
      assert.deepEqual(tree.queryOperators, reference.queryOperators);
      assert.deepEqual(tree.stringLiterals, [value, 'benign']);
      assert.deepEqual(tree.comments, []);
    }
  }
});
