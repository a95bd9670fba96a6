/** Hunting-query and analytics-rule YAML in the Azure-Sentinel repository layout. */
import type { Scalar } from 'yaml';
import { yamlPackage } from '../../packages/yaml.js';
import type { AnalyticsRule, HuntingQuery } from './rule.js';

function blockScalar(text: string): Scalar {
  const scalar = new (yamlPackage().Scalar)(text);
  scalar.type = yamlPackage().Scalar.BLOCK_LITERAL;
  return scalar;
}

/**
 * YAML 1.1 parsers (PyYAML, the Azure-Sentinel repository's checks) also end a line at U+0085,
 * U+2028 and U+2029, which YAML 1.2 writers leave in scalars as they are: a family name carrying
 * one would start a new key there. They can only be scalar content, so they become spaces. (KQL
 * string literals escape them already.)
 */
function toYaml(fields: Record<string, unknown>): string {
  const doc = new (yamlPackage().Document)(fields);
  return doc.toString({ lineWidth: 0 }).replace(/[\u0085\u2028\u2029]/g, ' ');
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
