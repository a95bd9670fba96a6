/**
 * Sentinel hunting queries and scheduled analytics rules as data, in the Azure-Sentinel repository's
 * field names. YAML and ARM writers serialise these; constraints.ts checks them.
 */
import type { DataConnector, EntityMapping, Hunt, Severity } from '../../hunts/types.js';

export interface HuntingQuery {
  id: string;
  name: string;
  description: string;
  requiredDataConnectors: DataConnector[];
  tactics: string[];
  relevantTechniques: string[];
  query: string;
  entityMappings: EntityMapping[];
  version: string;
}

export interface AnalyticsRule extends HuntingQuery {
  kind: 'Scheduled';
  severity: Severity;
  queryFrequency: string;
  queryPeriod: string;
  triggerOperator: 'gt' | 'lt' | 'eq' | 'ne';
  triggerThreshold: number;
  eventGroupingSettings: { aggregationKind: 'SingleAlert' | 'AlertPerResult' };
  alertDetailsOverride?: { alertDisplayNameFormat: string; alertDescriptionFormat?: string };
}

export const PACKAGE_VERSION = '1.0.0';
// The repository's model allows 1–5 entity mappings with 1–3 field mappings each.
const MAX_ENTITY_MAPPINGS = 5;

export function huntingQuery(hunt: Hunt, query: string): HuntingQuery {
  return {
    id: hunt.id,
    name: truncate(hunt.title, 256),
    description: truncate(`${hunt.description} ${hunt.purpose}`, 5000),
    requiredDataConnectors: hunt.connectors,
    tactics: hunt.tactics,
    relevantTechniques: hunt.techniques,
    query,
    entityMappings: hunt.entityMappings.slice(0, MAX_ENTITY_MAPPINGS),
    version: PACKAGE_VERSION,
  };
}

/**
 * A scheduled rule: runs hourly over the lookback window (the repository caps both at 14 days and
 * requires an hourly or slower frequency once the period reaches 2 days).
 */
export function analyticsRule(
  hunt: Hunt,
  query: string,
  lookbackDays: number,
  idParts?: { id: string; name: string },
): AnalyticsRule {
  const period = Math.min(Math.max(1, Math.round(lookbackDays)), 14);
  return {
    ...huntingQuery(hunt, query),
    id: idParts?.id ?? hunt.id,
    name: truncate(idParts?.name ?? hunt.title, 256),
    kind: 'Scheduled',
    severity: hunt.severity,
    queryFrequency: '1h',
    queryPeriod: `${period}d`,
    triggerOperator: 'gt',
    triggerThreshold: 0,
    eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
    alertDetailsOverride: hunt.match
      ? {
          alertDisplayNameFormat: `${truncate(hunt.family ?? 'IOC', 100)} indicator {{MatchedIndicator}} seen in ${hunt.table}`,
        }
      : undefined,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
