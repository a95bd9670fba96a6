/** Hunting-query and analytics-rule YAML in the Azure-Sentinel repository layout. */
import type { Scalar } from 'yaml';
import { yamlPackage } from '../../packages/yaml.js';
import type { AnalyticsRule, HuntingQuery } from './rule.js';

function blockScalar(text: string): Scalar {
  const scalar = new (yamlPackage().Scalar)(text);
  scalar.type = yamlPackage().Scalar.BLOCK_LITERAL;
  return scalar;
}

function toYaml(fields: Record<string, unknown>): string {
  const doc = new (yamlPackage().Document)(fields);
  return doc.toString({ lineWidth: 0 });
}

export function huntingQueryYaml(q: HuntingQuery): string {
  return toYaml({
    id: q.id,
    name: q.name,
    description: blockScalar(q.description),
    requiredDataConnectors: q.requiredDataConnectors,
    tactics: q.tactics,
    relevantTechniques: q.relevantTechniques,
    query: blockScalar(q.query),
    entityMappings: q.entityMappings,
    version: q.version,
  });
}

export function analyticsRuleYaml(r: AnalyticsRule): string {
  const fields: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    description: blockScalar(r.description),
    severity: r.severity,
    requiredDataConnectors: r.requiredDataConnectors,
    queryFrequency: r.queryFrequency,
    queryPeriod: r.queryPeriod,
    triggerOperator: r.triggerOperator,
    triggerThreshold: r.triggerThreshold,
    tactics: r.tactics,
    relevantTechniques: r.relevantTechniques,
    query: blockScalar(r.query),
    entityMappings: r.entityMappings,
    eventGroupingSettings: r.eventGroupingSettings,
  };
  if (r.alertDetailsOverride) fields.alertDetailsOverride = r.alertDetailsOverride;
  fields.version = r.version;
  fields.kind = r.kind;
  return toYaml(fields);
}
