/**
 * The bundled Nanocore example's logs: a deterministic week of benign activity with planted true
 * hits and near misses. `PLANTED` lists what a correct hunt must find; tests assert against it.
 */
import { seededRandom } from '../seeded-random.js';

type Row = Record<string, string | number | boolean | null>;

export interface ExampleLogs {
  DnsEvents: Row[];
  DeviceNetworkEvents: Row[];
  CommonSecurityLog: Row[];
  DeviceProcessEvents: Row[];
}

const START = Date.parse('2026-04-24T00:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const HOSTS = [
  { name: 'ws-fin-07.corp.local', ip: '10.1.4.23', user: 'j.doe' },
  { name: 'ws-hr-02.corp.local', ip: '10.1.5.11', user: 'a.smith' },
  { name: 'ws-eng-14.corp.local', ip: '10.1.6.40', user: 'k.lee' },
  { name: 'srv-app-01.corp.local', ip: '10.1.2.10', user: 'svc-app' },
  { name: 'ws-it-03.corp.local', ip: '10.1.7.5', user: 'admin.r.cho' },
];
const BENIGN_DOMAINS = [
  'login.microsoftonline.com',
  'www.google.com',
  'outlook.office365.com',
  'github.com',
  'update.googleapis.com',
  'ctldl.windowsupdate.com',
  'www.wikipedia.org',
  'slack.com',
  'cdn.jsdelivr.net',
  'api.zoom.us',
];
const BENIGN_IPS = [
  '13.107.42.14',
  '142.250.74.100',
  '140.82.121.4',
  '52.96.165.18',
  '151.101.1.69',
  '104.18.32.7',
];
const PROCESSES = ['chrome.exe', 'msedge.exe', 'outlook.exe', 'teams.exe', 'svchost.exe'];
const DNS_SERVER = 'dc01.corp.local';

function dns(ms: number, client: string, name: string, answer: string): Row {
  return {
    TimeGenerated: iso(ms),
    Computer: DNS_SERVER,
    EventId: 256,
    SubType: 'LookupQuery',
    ClientIP: client,
    Name: name,
    QueryType: 'A',
    Result: 'Success',
    ResultCode: 0,
    IPAddresses: answer,
  };
}

function connection(
  ms: number,
  host: (typeof HOSTS)[number],
  ip: string,
  port: number,
  process: string,
  url = '',
): Row {
  return {
    TimeGenerated: iso(ms),
    Timestamp: iso(ms),
    DeviceId: `dev-${host.name.split('.')[0]}`,
    DeviceName: host.name,
    ActionType: 'ConnectionSuccess',
    RemoteIP: ip,
    RemotePort: port,
    RemoteUrl: url,
    LocalIP: host.ip,
    LocalPort: 49152 + (port % 1000),
    Protocol: 'Tcp',
    InitiatingProcessFileName: process,
    InitiatingProcessFolderPath:
      process === 'dhcpmon.exe'
        ? `C:\\Users\\${host.user}\\AppData\\Roaming\\8E1F3A2B-7C1D-4B5E-9A0F-3D2C1B4A5E6F\\DHCP Monitor\\dhcpmon.exe`
        : `C:\\Program Files\\${process.replace('.exe', '')}\\${process}`,
    InitiatingProcessCommandLine: process,
    InitiatingProcessAccountName: host.user,
  };
}

function firewall(ms: number, src: string, dst: string, port: number, extra: Row = {}): Row {
  return {
    TimeGenerated: iso(ms),
    DeviceVendor: 'Palo Alto Networks',
    DeviceProduct: 'PAN-OS',
    DeviceVersion: '11.1',
    Activity: 'TRAFFIC',
    DeviceAction: 'allow',
    SourceIP: src,
    SourcePort: 50000 + (port % 1000),
    DestinationIP: dst,
    DestinationPort: port,
    Protocol: 'TCP',
    Computer: 'fw01.corp.local',
    DestinationHostName: '',
    RequestURL: '',
    ...extra,
  };
}

function process(
  ms: number,
  host: (typeof HOSTS)[number],
  file: string,
  folder: string,
  cmd: string,
  parent: string,
): Row {
  return {
    TimeGenerated: iso(ms),
    Timestamp: iso(ms),
    DeviceId: `dev-${host.name.split('.')[0]}`,
    DeviceName: host.name,
    ActionType: 'ProcessCreated',
    FileName: file,
    FolderPath: folder,
    ProcessCommandLine: cmd,
    AccountName: host.user,
    InitiatingProcessFileName: parent,
    SHA256: '',
  };
}

/** Planted rows: what the IOC hunts must and must not find. */
export const PLANTED = {
  dnsHits: [
    { name: 'theponzu.com', indicator: 'theponzu.com', time: '2026-04-26T09:14:03.000Z' },
    { name: 'update.theponzu.com', indicator: 'theponzu.com', time: '2026-04-26T09:20:41.000Z' },
    { name: 'SC88884.COM.', indicator: 'sc88884.com', time: '2026-04-27T13:02:17.000Z' },
    { name: 'airtellwireless.it.com', indicator: 'airtellwireless.it.com', time: '2026-04-27T16:45:00.000Z' },
  ],
  dnsNearMisses: ['nottheponzu.com', 'theponzu.com.evil.net', 'theponzu.co', 'sc88884.com-cdn.net'],
  networkHits: [
    { ip: '104.21.9.66', port: 443, host: 'ws-fin-07.corp.local', time: '2026-04-26T09:14:05.000Z' },
    { ip: '172.67.208.215', port: 443, host: 'ws-hr-02.corp.local', time: '2026-04-27T16:45:02.000Z' },
  ],
  networkNearMisses: [{ ip: '172.67.159.51', port: 8080 }],
  firewallHits: [
    { ip: '172.67.208.215', port: 443, source: '10.1.5.11', time: '2026-04-27T16:45:02.000Z' },
    { ip: '104.21.9.66', port: 443, source: '10.1.4.23', time: '2026-04-26T09:14:05.000Z' },
  ],
  firewallNearMisses: [{ ip: '104.21.9.66', port: 80 }],
  proxyDomainHits: [{ host: 'airtellwireless.it.com', time: '2026-04-27T16:45:03.000Z' }],
  proxyNearMisses: ['theponzu.com.evil.net'],
};

export function nanocoreExampleLogs(): ExampleLogs {
  const rand = seededRandom(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const logs: ExampleLogs = {
    DnsEvents: [],
    DeviceNetworkEvents: [],
    CommonSecurityLog: [],
    DeviceProcessEvents: [],
  };

  // Background: a week of ordinary lookups, connections and processes.
  for (let i = 0; i < 600; i++) {
    const ms = START + Math.floor(rand() * 7 * 24 * HOUR);
    const host = pick(HOSTS);
    const domain = pick(BENIGN_DOMAINS);
    const ip = pick(BENIGN_IPS);
    logs.DnsEvents.push(dns(ms, host.ip, domain, ip));
    if (i % 2 === 0)
      logs.DeviceNetworkEvents.push(
        connection(ms + 1000, host, ip, pick([443, 443, 80]), pick(PROCESSES), domain),
      );
    if (i % 3 === 0) logs.CommonSecurityLog.push(firewall(ms + 1500, host.ip, ip, 443));
    if (i % 5 === 0) {
      const p = pick(PROCESSES);
      logs.DeviceProcessEvents.push(
        process(ms, host, p, `C:\\Program Files\\${p.replace('.exe', '')}\\${p}`, p, 'explorer.exe'),
      );
    }
  }

  const [fin, hr, eng, , it] = HOSTS;
  const at = (s: string) => Date.parse(s);

  // True hits: C2 lookups (exact, subdomain, case and trailing-dot variants) and connections.
  for (const h of PLANTED.dnsHits) {
    const client =
      h.indicator === 'airtellwireless.it.com' ? hr.ip : h.indicator === 'sc88884.com' ? eng.ip : fin.ip;
    logs.DnsEvents.push(
      dns(at(h.time), client, h.name, h.indicator === 'sc88884.com' ? '203.0.113.50' : '104.21.9.66'),
    );
  }
  logs.DeviceNetworkEvents.push(
    connection(at('2026-04-26T09:14:05.000Z'), fin, '104.21.9.66', 443, 'dhcpmon.exe', 'theponzu.com'),
  );
  logs.DeviceNetworkEvents.push(
    connection(at('2026-04-27T16:45:02.000Z'), hr, '172.67.208.215', 443, 'dhcpmon.exe'),
  );
  logs.CommonSecurityLog.push(firewall(at('2026-04-26T09:14:05.000Z'), fin.ip, '104.21.9.66', 443));
  logs.CommonSecurityLog.push(firewall(at('2026-04-27T16:45:02.000Z'), hr.ip, '172.67.208.215', 443));
  logs.CommonSecurityLog.push(
    firewall(at('2026-04-27T16:45:03.000Z'), hr.ip, '198.51.100.23', 80, {
      DeviceProduct: 'URL Filtering',
      Activity: 'URL',
      DestinationHostName: 'airtellwireless.it.com',
      RequestURL: 'http://airtellwireless.it.com/panel/gate.php',
    }),
  );

  // Near misses: look-alike names, the right Cloudflare address on the wrong port.
  for (const [n, name] of PLANTED.dnsNearMisses.entries()) {
    logs.DnsEvents.push(dns(at('2026-04-25T11:00:00.000Z') + n * 60_000, eng.ip, name, '198.51.100.7'));
  }
  logs.DeviceNetworkEvents.push(
    connection(at('2026-04-25T12:30:00.000Z'), eng, '172.67.159.51', 8080, 'chrome.exe', 'shop.example.com'),
  );
  logs.CommonSecurityLog.push(firewall(at('2026-04-25T12:31:00.000Z'), eng.ip, '104.21.9.66', 80));
  logs.CommonSecurityLog.push(
    firewall(at('2026-04-25T12:32:00.000Z'), eng.ip, '198.51.100.24', 443, {
      DeviceProduct: 'URL Filtering',
      Activity: 'URL',
      DestinationHostName: 'theponzu.com.evil.net',
      RequestURL: 'https://theponzu.com.evil.net/',
    }),
  );

  // Nanocore host behaviour on ws-fin-07, and the legitimate admin work the seed's scenarios describe.
  const appData = `C:\\Users\\${fin.user}\\AppData\\Roaming\\8E1F3A2B-7C1D-4B5E-9A0F-3D2C1B4A5E6F\\DHCP Monitor`;
  logs.DeviceProcessEvents.push(
    process(
      at('2026-04-26T09:13:40.000Z'),
      fin,
      'schtasks.exe',
      'C:\\Windows\\System32\\schtasks.exe',
      `"schtasks.exe" /create /f /tn "DHCP Monitor" /xml "C:\\Users\\${fin.user}\\AppData\\Local\\Temp\\tmp5A1B.tmp"`,
      'dhcpmon.exe',
    ),
    process(
      at('2026-04-26T09:13:38.000Z'),
      fin,
      'dhcpmon.exe',
      `${appData}\\dhcpmon.exe`,
      `"${appData}\\dhcpmon.exe"`,
      'invoice_0425.exe',
    ),
    process(
      at('2026-04-25T22:00:00.000Z'),
      it,
      'ntbackup.exe',
      'C:\\Windows\\System32\\ntbackup.exe',
      'ntbackup.exe backup systemstate /f "D:\\backup\\nightly.bkf" /backup',
      'svchost.exe',
    ),
    process(
      at('2026-04-25T10:05:00.000Z'),
      it,
      'certutil.exe',
      'C:\\Windows\\System32\\certutil.exe',
      'certutil.exe -addstore Root "C:\\certs\\corp-root.cer"',
      'cmd.exe',
    ),
  );

  for (const rows of Object.values(logs) as Row[][])
    rows.sort((a, b) => String(a.TimeGenerated).localeCompare(String(b.TimeGenerated)));
  return logs;
}

/** JSON Lines text for one table. */
export function toJsonLines(rows: Row[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
