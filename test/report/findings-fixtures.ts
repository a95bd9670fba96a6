/** Hand-built report and findings for the findings-output tests (no other module's run involved). */
import type { Finding } from '../../src/engine/types.js';
import type { Flag } from '../../src/intel/types.js';
import type { HuntReport } from '../../src/report/model.js';

export const HOSTILE_INDICATOR = '<img src=x onerror=alert(1)>.evil.com';
export const HOSTILE_HOST = '</script><script>alert(1)</script>';

export const CLOUDFLARE: Flag = {
  list: 'cloudflare',
  category: 'shared-infrastructure',
  reason: 'Cloudflare anycast range 104.16.0.0/13 — shared by many sites',
};

export function finding(extra: Partial<Finding>): Finding {
  return {
    huntId: 'nanocore-dns',
    table: 'DnsEvents',
    indicator: 'theponzu.com',
    indicatorType: 'domain',
    indicatorPort: null,
    flags: [],
    timestamp: '2026-04-25T10:00:00Z',
    host: 'ws-01.corp.local',
    user: null,
    process: null,
    row: {},
    ...extra,
  };
}

/** Nine findings over two days: a domain on two hosts, a flagged ip:port, and the hostile values. */
export function sampleFindings(): Finding[] {
  return [
    finding({
      timestamp: '2026-04-25T10:00:00Z',
      row: { Name: 'theponzu.com', Computer: 'ws-01.corp.local' },
    }),
    finding({ timestamp: '2026-04-25T12:30:00.250Z', row: { Name: 'x.theponzu.com' } }),
    finding({ timestamp: '2026-04-26T08:15:00Z', host: 'ws-02.corp.local', row: { Name: 'THEPONZU.com' } }),
    finding({
      huntId: 'nanocore-network-mde',
      table: 'DeviceNetworkEvents',
      indicator: '104.21.9.66',
      indicatorType: 'ipv4',
      indicatorPort: 443,
      flags: [CLOUDFLARE],
      timestamp: '2026-04-25T11:00:00Z',
      host: 'ws-02.corp.local',
      user: 'corp\\alice',
      process: 'powershell.exe',
      row: { RemoteIP: '104.21.9.66', RemotePort: 443, InitiatingProcessFileName: 'powershell.exe' },
    }),
    finding({
      huntId: 'nanocore-network-mde',
      table: 'DeviceNetworkEvents',
      indicator: '104.21.9.66',
      indicatorType: 'ipv4',
      indicatorPort: 443,
      flags: [CLOUDFLARE],
      timestamp: '2026-04-26T09:45:00Z',
      host: 'ws-03.corp.local',
      user: 'corp\\bob',
      process: 'chrome.exe',
      row: { RemoteIP: '104.21.9.66', RemotePort: 443 },
    }),
    finding({
      indicator: HOSTILE_INDICATOR,
      timestamp: '2026-04-25T16:20:00Z',
      host: HOSTILE_HOST,
      user: '=cmd|" /C calc"!A0',
      row: { Name: HOSTILE_INDICATOR, Computer: HOSTILE_HOST, note: '<!-- </script>' },
    }),
    finding({ indicator: 'sc88884.com', timestamp: '2026-04-26T20:00:00Z', host: 'ws-01.corp.local' }),
    finding({ indicator: 'sc88884.com', timestamp: null, host: null, row: { Name: 'sc88884.com' } }),
    finding({ timestamp: '2026-04-26T21:00:00Z', host: 'ws-01.corp.local' }),
  ];
}

export function sampleReport(): HuntReport {
  const kql = (table: string, body: string) =>
    `// Hunt for Nanocore RAT\n${table}\n| where TimeGenerated > ago(14d)\n${body}\n| order by TimeGenerated desc`;
  return {
    title: 'Nanocore RAT threat hunt',
    generated: '2026-04-27T09:00:00Z',
    sources: ['ThreatFox - Nanocore RAT'],
    description:
      'These hunts look for Nanocore RAT activity through 6 known indicators from ThreatFox: domains and IP addresses, reported as command-and-control (C2) servers.',
    iocSummary: {
      families: ['Nanocore RAT'],
      total: 4,
      types: ['domain', 'ip:port'],
      countsByType: { domain: 3, 'ip:port': 1 },
      flagged: 1,
      rows: [
        {
          type: 'domain',
          value: 'theponzu[.]com',
          threatType: 'botnet_cc',
          firstSeen: '2026-04-25',
          confidence: '75%',
          flags: [],
        },
        {
          type: 'ip:port',
          value: '104[.]21[.]9[.]66:443',
          threatType: 'botnet_cc',
          firstSeen: '2026-04-25',
          confidence: '100%',
          flags: [CLOUDFLARE.reason],
        },
        {
          type: 'domain',
          value: 'sc88884[.]com',
          threatType: 'botnet_cc',
          firstSeen: '2026-04-25',
          confidence: '75%',
          flags: [],
        },
        {
          type: 'domain',
          value: 'free[.]duckdns[.]org',
          threatType: 'botnet_cc',
          firstSeen: '2026-04-25',
          confidence: '50%',
          flags: ['dynamic-DNS provider zone duckdns.org — anyone can register a name under it'],
        },
      ],
    },
    hunts: [
      {
        id: 'nanocore-dns',
        title: 'DNS queries to Nanocore RAT domains',
        kind: 'domain',
        table: 'DnsEvents',
        purpose: 'Matches a queried name equal to an indicator domain or one of its subdomains.',
        severity: 'High',
        tactics: ['CommandAndControl'],
        techniques: ['T1071.004'],
        indicatorCount: 3,
        flaggedIndicatorCount: 0,
        delivery: 'inline',
        queries: [
          {
            platform: 'sentinel',
            file: 'sentinel/nanocore-dns.kql',
            kql: kql('DnsEvents', '| where Name in~ ("theponzu.com", "sc88884.com") // <b>not bold</b>'),
          },
        ],
        exclusions: [],
        notes: [],
      },
      {
        id: 'nanocore-network-mde',
        title: 'Defender network connections to Nanocore RAT addresses',
        kind: 'ip',
        table: 'DeviceNetworkEvents',
        purpose: 'Matches a remote address and port equal to an ip:port indicator.',
        severity: 'Medium',
        tactics: ['CommandAndControl'],
        techniques: ['T1071'],
        indicatorCount: 1,
        flaggedIndicatorCount: 1,
        delivery: 'inline',
        queries: [
          {
            platform: 'defender',
            file: 'defender/nanocore-network-mde.kql',
            kql: 'DeviceNetworkEvents\n| where RemoteIP == "104.21.9.66" and RemotePort == 443',
          },
        ],
        exclusions: [{ id: 'browser-cdn', reason: 'Browsers reach Cloudflare all day', filter: '{}' }],
        notes: ['Cloudflare anycast: check the SNI or URL before escalating.'],
      },
      {
        id: 'nanocore-cef',
        title: 'Firewall traffic to Nanocore RAT addresses',
        kind: 'ip',
        table: 'CommonSecurityLog',
        purpose: 'Matches firewall sessions to an indicator address and port.',
        severity: 'Medium',
        tactics: ['CommandAndControl'],
        techniques: ['T1071'],
        indicatorCount: 1,
        flaggedIndicatorCount: 1,
        delivery: 'inline',
        queries: [
          {
            platform: 'sentinel',
            file: 'sentinel/nanocore-cef.kql',
            kql: 'CommonSecurityLog\n| where DestinationIP == "104.21.9.66"',
          },
        ],
        exclusions: [],
        notes: [],
      },
    ],
    tables: [
      {
        table: 'DnsEvents',
        title: 'Windows DNS server logs',
        connectors: [{ connectorId: 'DNS', dataTypes: ['DnsEvents'] }],
        hunts: 1,
      },
      {
        table: 'DeviceNetworkEvents',
        title: 'Defender for Endpoint network events',
        connectors: [{ connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceNetworkEvents'] }],
        hunts: 1,
      },
    ],
    falsePositives: [
      {
        title: 'Browsing a Cloudflare-fronted site',
        description: 'Any site behind Cloudflare resolves to the same anycast addresses.',
        handling: 'Hits on flagged addresses are reported with their flag; check the host name.',
        filters: [],
      },
    ],
    improvements: [],
    exclusions: [],
    targets: [],
    rejected: { count: 0, first: [] },
    notes: [],
  };
}
