/**
 * Which tables can see which indicators, through which columns, fed by which data connectors.
 * Adding a table is adding an entry here; the planner and every renderer read it.
 */
import type { DataConnector, EntityMapping, HuntKind, IocMatch } from './types.js';

export type IocKind = 'ip' | 'domain' | 'url' | 'hash';
export type Platform = 'sentinel' | 'defender';

export interface IocCoverage {
  match: Omit<IocMatch, 'ignorePort' | 'indicatorType'>;
  /** Columns shown, in order; the seed's columns come first where the seed had this table. */
  project: string[];
  entityMappings: EntityMapping[];
}

export interface DataSource {
  table: string;
  /** Human name for reports. */
  title: string;
  platforms: Platform[];
  /** ASIM parser functions are called, e.g. `_Im_Dns(starttime=…)`, and backed locally by an ASim* table. */
  asimFunction?: { name: string; localTable: string };
  connectors: DataConnector[];
  coverage: Partial<Record<IocKind, IocCoverage>>;
}

const DEFENDER: DataConnector = { connectorId: 'MicrosoftThreatProtection', dataTypes: [] };
const defender = (table: string): DataConnector[] => [{ ...DEFENDER, dataTypes: [table] }];

const ip = (column: string): EntityMapping => ({
  entityType: 'IP',
  fieldMappings: [{ identifier: 'Address', columnName: column }],
});
const host = (column: string): EntityMapping => ({
  entityType: 'Host',
  fieldMappings: [{ identifier: 'HostName', columnName: column }],
});
const dns = (column: string): EntityMapping => ({
  entityType: 'DNS',
  fieldMappings: [{ identifier: 'DomainName', columnName: column }],
});
const url = (column: string): EntityMapping => ({
  entityType: 'URL',
  fieldMappings: [{ identifier: 'Url', columnName: column }],
});
const account = (column: string): EntityMapping => ({
  entityType: 'Account',
  fieldMappings: [{ identifier: 'Name', columnName: column }],
});
const fileHash: EntityMapping = {
  entityType: 'FileHash',
  fieldMappings: [
    { identifier: 'Algorithm', columnName: 'MatchedHashAlgorithm' },
    { identifier: 'Value', columnName: 'MatchedIndicator' },
  ],
};

const DEVICE_HASH_COLUMNS: IocCoverage['match']['hashColumns'] = [
  { column: 'SHA256', types: ['sha256'] },
  { column: 'SHA1', types: ['sha1'] },
  { column: 'MD5', types: ['md5'] },
  { column: 'InitiatingProcessSHA256', types: ['sha256'] },
  { column: 'InitiatingProcessSHA1', types: ['sha1'] },
  { column: 'InitiatingProcessMD5', types: ['md5'] },
];

export const DATA_SOURCES: DataSource[] = [
  {
    table: 'CommonSecurityLog',
    title: 'Firewall and proxy logs in Common Event Format',
    platforms: ['sentinel'],
    connectors: [
      { connectorId: 'CEF', dataTypes: ['CommonSecurityLog'] },
      { connectorId: 'CefAma', dataTypes: ['CommonSecurityLog'] },
    ],
    coverage: {
      ip: {
        match: {
          endpoints: [
            { ip: 'DestinationIP', port: 'DestinationPort' },
            { ip: 'SourceIP', port: 'SourcePort' },
          ],
        },
        project: [
          'TimeGenerated',
          'SourceIP',
          'DestinationIP',
          'DestinationPort',
          'DeviceAction',
          'Activity',
          'DeviceVendor',
          'DeviceProduct',
        ],
        entityMappings: [ip('DestinationIP'), ip('SourceIP')],
      },
      domain: {
        match: {
          domainColumns: [
            { column: 'DestinationHostName', holds: 'name' },
            { column: 'RequestURL', holds: 'url-host' },
          ],
        },
        project: [
          'TimeGenerated',
          'SourceIP',
          'DestinationHostName',
          'RequestURL',
          'DestinationIP',
          'DestinationPort',
          'DeviceAction',
          'DeviceVendor',
          'DeviceProduct',
        ],
        entityMappings: [dns('MatchedIndicator'), ip('SourceIP')],
      },
      url: {
        match: { urlColumns: ['RequestURL'] },
        project: ['TimeGenerated', 'SourceIP', 'RequestURL', 'RequestMethod', 'DeviceAction', 'DeviceVendor'],
        entityMappings: [url('MatchedIndicator'), ip('SourceIP')],
      },
      hash: {
        match: { hashColumns: [{ column: 'FileHash', types: ['md5', 'sha1', 'sha256'] }] },
        project: [
          'TimeGenerated',
          'SourceIP',
          'DestinationIP',
          'FileName',
          'FileHash',
          'DeviceAction',
          'DeviceVendor',
        ],
        entityMappings: [fileHash, ip('SourceIP')],
      },
    },
  },
  {
    table: 'DeviceNetworkEvents',
    title: 'Microsoft Defender for Endpoint network events',
    platforms: ['sentinel', 'defender'],
    connectors: defender('DeviceNetworkEvents'),
    coverage: {
      ip: {
        match: { endpoints: [{ ip: 'RemoteIP', port: 'RemotePort' }] },
        project: [
          'TimeGenerated',
          'DeviceName',
          'RemoteIP',
          'RemotePort',
          'InitiatingProcessFileName',
          'ActionType',
          'RemoteUrl',
          'InitiatingProcessCommandLine',
          'InitiatingProcessAccountName',
        ],
        entityMappings: [ip('RemoteIP'), host('DeviceName'), account('InitiatingProcessAccountName')],
      },
      domain: {
        match: { domainColumns: [{ column: 'RemoteUrl', holds: 'url-host' }] },
        project: [
          'TimeGenerated',
          'DeviceName',
          'RemoteUrl',
          'RemoteIP',
          'RemotePort',
          'InitiatingProcessFileName',
          'ActionType',
          'InitiatingProcessCommandLine',
          'InitiatingProcessAccountName',
        ],
        entityMappings: [dns('MatchedIndicator'), host('DeviceName'), ip('RemoteIP')],
      },
      url: {
        match: { urlColumns: ['RemoteUrl'] },
        project: [
          'TimeGenerated',
          'DeviceName',
          'RemoteUrl',
          'RemoteIP',
          'RemotePort',
          'InitiatingProcessFileName',
        ],
        entityMappings: [url('MatchedIndicator'), host('DeviceName')],
      },
    },
  },
  {
    table: 'DnsEvents',
    title: 'Windows DNS server query logs',
    platforms: ['sentinel'],
    connectors: [{ connectorId: 'DNS', dataTypes: ['DnsEvents'] }],
    coverage: {
      domain: {
        match: { domainColumns: [{ column: 'Name', holds: 'name' }] },
        project: ['TimeGenerated', 'Computer', 'Name', 'IPAddresses', 'QueryType', 'ClientIP'],
        entityMappings: [dns('MatchedIndicator'), ip('ClientIP'), host('Computer')],
      },
    },
  },
  {
    table: '_Im_Dns',
    title: 'DNS activity from every source, normalised by the ASIM DNS parser',
    platforms: ['sentinel'],
    asimFunction: { name: '_Im_Dns', localTable: 'ASimDnsActivityLogs' },
    connectors: [
      { connectorId: 'ASimDnsActivityLogs', dataTypes: ['ASimDnsActivityLogs'] },
      { connectorId: 'DNS', dataTypes: ['DnsEvents'] },
    ],
    coverage: {
      domain: {
        match: { domainColumns: [{ column: 'DnsQuery', holds: 'name' }] },
        project: [
          'TimeGenerated',
          'Dvc',
          'SrcIpAddr',
          'DnsQuery',
          'DnsQueryTypeName',
          'DnsResponseName',
          'EventProduct',
        ],
        entityMappings: [dns('MatchedIndicator'), ip('SrcIpAddr')],
      },
    },
  },
  {
    table: '_Im_NetworkSession',
    title: 'Network sessions from every source, normalised by the ASIM network-session parser',
    platforms: ['sentinel'],
    asimFunction: { name: '_Im_NetworkSession', localTable: 'ASimNetworkSessionLogs' },
    connectors: [
      { connectorId: 'AzureFirewall', dataTypes: ['AZFWNetworkRule'] },
      { connectorId: 'CEF', dataTypes: ['CommonSecurityLog'] },
      { connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceNetworkEvents'] },
    ],
    coverage: {
      ip: {
        match: {
          endpoints: [
            { ip: 'DstIpAddr', port: 'DstPortNumber' },
            { ip: 'SrcIpAddr', port: 'SrcPortNumber' },
          ],
        },
        project: [
          'TimeGenerated',
          'Dvc',
          'SrcIpAddr',
          'DstIpAddr',
          'DstPortNumber',
          'DvcAction',
          'EventProduct',
        ],
        entityMappings: [ip('DstIpAddr'), ip('SrcIpAddr')],
      },
    },
  },
  {
    table: 'AZFWNetworkRule',
    title: 'Azure Firewall network rule logs',
    platforms: ['sentinel'],
    connectors: [{ connectorId: 'AzureFirewall', dataTypes: ['AZFWNetworkRule'] }],
    coverage: {
      ip: {
        match: {
          endpoints: [
            { ip: 'DestinationIp', port: 'DestinationPort' },
            { ip: 'SourceIp', port: 'SourcePort' },
          ],
        },
        project: [
          'TimeGenerated',
          'SourceIp',
          'DestinationIp',
          'DestinationPort',
          'Protocol',
          'Action',
          'Rule',
        ],
        entityMappings: [ip('DestinationIp'), ip('SourceIp')],
      },
    },
  },
  {
    table: 'UrlClickEvents',
    title: 'Microsoft Defender for Office 365 Safe Links clicks',
    platforms: ['sentinel', 'defender'],
    connectors: defender('UrlClickEvents'),
    coverage: {
      url: {
        match: { urlColumns: ['Url'] },
        project: ['TimeGenerated', 'AccountUpn', 'Url', 'ActionType', 'IsClickedThrough', 'IPAddress'],
        entityMappings: [url('MatchedIndicator'), account('AccountUpn')],
      },
      domain: {
        match: { domainColumns: [{ column: 'Url', holds: 'url-host' }] },
        project: ['TimeGenerated', 'AccountUpn', 'Url', 'ActionType', 'IsClickedThrough', 'IPAddress'],
        entityMappings: [dns('MatchedIndicator'), account('AccountUpn')],
      },
    },
  },
  {
    table: 'EmailUrlInfo',
    title: 'URLs found in e-mail by Microsoft Defender for Office 365',
    platforms: ['sentinel', 'defender'],
    connectors: defender('EmailUrlInfo'),
    coverage: {
      url: {
        match: { urlColumns: ['Url'] },
        project: ['TimeGenerated', 'NetworkMessageId', 'Url', 'UrlDomain', 'UrlLocation'],
        entityMappings: [url('MatchedIndicator')],
      },
      domain: {
        match: { domainColumns: [{ column: 'UrlDomain', holds: 'name' }] },
        project: ['TimeGenerated', 'NetworkMessageId', 'Url', 'UrlDomain', 'UrlLocation'],
        entityMappings: [dns('MatchedIndicator')],
      },
    },
  },
  {
    table: 'DeviceFileEvents',
    title: 'Microsoft Defender for Endpoint file events',
    platforms: ['sentinel', 'defender'],
    connectors: defender('DeviceFileEvents'),
    coverage: {
      hash: {
        match: { hashColumns: DEVICE_HASH_COLUMNS },
        project: [
          'TimeGenerated',
          'DeviceName',
          'ActionType',
          'FileName',
          'FolderPath',
          'SHA256',
          'InitiatingProcessFileName',
          'InitiatingProcessAccountName',
        ],
        entityMappings: [fileHash, host('DeviceName'), account('InitiatingProcessAccountName')],
      },
    },
  },
  {
    table: 'DeviceProcessEvents',
    title: 'Microsoft Defender for Endpoint process events',
    platforms: ['sentinel', 'defender'],
    connectors: defender('DeviceProcessEvents'),
    coverage: {
      hash: {
        match: { hashColumns: DEVICE_HASH_COLUMNS },
        project: [
          'TimeGenerated',
          'DeviceName',
          'AccountName',
          'FileName',
          'FolderPath',
          'ProcessCommandLine',
          'SHA256',
          'InitiatingProcessFileName',
        ],
        entityMappings: [fileHash, host('DeviceName'), account('AccountName')],
      },
    },
  },
];

export function dataSource(table: string): DataSource | undefined {
  return DATA_SOURCES.find((s) => s.table === table);
}

/** The local (DuckDB) table a hunt reads: ASIM functions are backed by their ASim* table. */
export function localTableFor(table: string): string {
  return dataSource(table)?.asimFunction?.localTable ?? table;
}

export const IOC_KINDS: IocKind[] = ['ip', 'domain', 'url', 'hash'];
export const isIocKind = (kind: HuntKind): kind is IocKind => (IOC_KINDS as string[]).includes(kind);
