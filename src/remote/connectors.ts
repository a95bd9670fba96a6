/**
 * Which Sentinel data connectors feed which table (connector ids as in Azure-Sentinel's
 * `requiredDataConnectors`), for "table X is empty: enable connector Y" messages. Hunts planned by
 * huntforge carry their own connectors; this map covers ad-hoc queries.
 */
export const DEFAULT_TABLE_CONNECTORS: Record<string, string[]> = {
  CommonSecurityLog: ['CEF', 'CefAma'],
  DnsEvents: ['DNS'],
  ASimDnsActivityLogs: ['ASimDnsActivityLogs'],
  DeviceNetworkEvents: ['MicrosoftThreatProtection'],
  DeviceProcessEvents: ['MicrosoftThreatProtection'],
  DeviceFileEvents: ['MicrosoftThreatProtection'],
  DeviceEvents: ['MicrosoftThreatProtection'],
  UrlClickEvents: ['MicrosoftThreatProtection'],
  EmailUrlInfo: ['MicrosoftThreatProtection'],
  SecurityEvent: ['SecurityEvents'],
  Syslog: ['Syslog'],
  AZFWNetworkRule: ['AzureFirewall'],
  ThreatIntelIndicators: [
    'ThreatIntelligence',
    'ThreatIntelligenceTaxii',
    'MicrosoftDefenderThreatIntelligence',
  ],
};
