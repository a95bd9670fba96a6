/**
 * The Azure-Sentinel repository's template constraints, checked on what huntforge writes: a
 * package that breaks one would be rejected there or fail to deploy.
 */
import { TACTICS } from '../../hunts/profiles.js';
import type { AnalyticsRule, HuntingQuery } from './rule.js';

export const MAX_RULE_QUERY_LENGTH = 10_000;

// The repository's AttackTactic enum: the enterprise tactics plus two ICS ones.
export const ATTACK_TACTICS = new Set<string>([
  ...TACTICS,
  'ImpairProcessControl',
  'InhibitResponseFunction',
]);

// Connector ids huntforge emits; all appear in the repository's ValidConnectorIds list.
export const VALID_CONNECTOR_IDS = new Set([
  'CEF',
  'CefAma',
  'DNS',
  'ASimDnsActivityLogs',
  'MicrosoftThreatProtection',
  'SecurityEvents',
  'WindowsSecurityEvents',
  'Syslog',
  'AzureFirewall',
  'ThreatIntelligence',
  'ThreatIntelligenceTaxii',
  'MicrosoftDefenderThreatIntelligence',
]);

export const ENTITY_IDENTIFIERS: Record<string, string[]> = {
  IP: ['Address'],
  DNS: ['DomainName'],
  URL: ['Url'],
  Host: [
    'HostName',
    'DnsDomain',
    'FullName',
    'NetBiosName',
    'NTDomain',
    'AzureID',
    'OMSAgentID',
    'OSFamily',
    'OSVersion',
    'IsDomainJoined',
  ],
  FileHash: ['Algorithm', 'Value'],
  File: ['Name', 'Directory'],
  Account: [
    'Name',
    'FullName',
    'NTDomain',
    'DnsDomain',
    'UPNSuffix',
    'Sid',
    'AadTenantId',
    'AadUserId',
    'PUID',
    'IsDomainJoined',
    'DisplayName',
    'ObjectGuid',
  ],
  Process: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;
const SPAN = /^(\d+)([mhd])$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

function minutes(span: string): number | null {
  const m = SPAN.exec(span);
  if (!m) return null;
  return Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2] as 'm' | 'h' | 'd'];
}

export function huntingQueryProblems(q: HuntingQuery): string[] {
  const problems: string[] = [];
  if (!GUID.test(q.id)) problems.push(`id is not a GUID: ${q.id}`);
  if (!q.name || q.name.length > 256) problems.push('name must be 1–256 characters');
  if (!q.description || q.description.length > 5000) problems.push('description must be 1–5000 characters');
  if (q.requiredDataConnectors.length === 0) problems.push('requiredDataConnectors is empty');
  for (const c of q.requiredDataConnectors) {
    if (!VALID_CONNECTOR_IDS.has(c.connectorId)) problems.push(`unknown connectorId ${c.connectorId}`);
    if (c.dataTypes.length === 0) problems.push(`connector ${c.connectorId} has no dataTypes`);
  }
  for (const t of q.tactics) if (!ATTACK_TACTICS.has(t)) problems.push(`tactic not in the ATT&CK enum: ${t}`);
  for (const t of q.relevantTechniques)
    if (!TECHNIQUE.test(t)) problems.push(`technique not T####(.###): ${t}`);
  if (q.relevantTechniques.length > 0 && q.tactics.length === 0) problems.push('techniques without tactics');
  if (!q.query.trim()) problems.push('query is empty');
  if (q.entityMappings.length > 5) problems.push('more than 5 entity mappings');
  for (const m of q.entityMappings) {
    const allowed = ENTITY_IDENTIFIERS[m.entityType];
    if (!allowed) problems.push(`unknown entity type ${m.entityType}`);
    if (m.fieldMappings.length < 1 || m.fieldMappings.length > 3)
      problems.push(`${m.entityType}: 1–3 field mappings`);
    for (const f of m.fieldMappings) {
      if (allowed && !allowed.includes(f.identifier))
        problems.push(`${m.entityType} has no identifier ${f.identifier}`);
    }
    if (m.entityType === 'FileHash') {
      const ids = m.fieldMappings.map((f) => f.identifier);
      if (!ids.includes('Algorithm') || !ids.includes('Value'))
        problems.push('FileHash needs Algorithm and Value');
    }
  }
  if (!SEMVER.test(q.version)) problems.push(`version is not semver: ${q.version}`);
  return problems;
}

export function analyticsRuleProblems(r: AnalyticsRule): string[] {
  const problems = huntingQueryProblems(r);
  if (r.kind !== 'Scheduled') problems.push(`kind ${r.kind} is not Scheduled`);
  if (!['Informational', 'Low', 'Medium', 'High'].includes(r.severity))
    problems.push(`severity ${r.severity}`);
  if (r.query.length > MAX_RULE_QUERY_LENGTH)
    problems.push(`query is ${r.query.length} characters (max 10000)`);
  const frequency = minutes(r.queryFrequency);
  const period = minutes(r.queryPeriod);
  if (frequency === null || frequency < 5 || frequency > 14 * 1440)
    problems.push('queryFrequency outside 5m–14d');
  if (period === null || period < 5 || period > 14 * 1440) problems.push('queryPeriod outside 5m–14d');
  if (frequency !== null && period !== null) {
    if (period < frequency) problems.push('queryPeriod shorter than queryFrequency');
    if (period >= 2 * 1440 && frequency < 60) problems.push('queryPeriod ≥ 2d needs queryFrequency ≥ 1h');
  }
  if (!['gt', 'lt', 'eq', 'ne'].includes(r.triggerOperator))
    problems.push(`triggerOperator ${r.triggerOperator}`);
  if (!Number.isInteger(r.triggerThreshold) || r.triggerThreshold < 0 || r.triggerThreshold > 10000)
    problems.push('triggerThreshold outside 0–10000');
  const placeholders = (r.alertDetailsOverride?.alertDisplayNameFormat.match(/\{\{[^}]+\}\}/g) ?? []).length;
  if (placeholders > 3) problems.push('alertDisplayNameFormat has more than 3 placeholders');
  return problems;
}
