/** An ARM template that deploys scheduled analytics rules to a Sentinel workspace. */
import type { AnalyticsRule } from './rule.js';

export const ALERT_RULES_API_VERSION = '2023-02-01';

const OPERATORS = { gt: 'GreaterThan', lt: 'LessThan', eq: 'Equal', ne: 'NotEqual' } as const;

/** `14d` / `1h` / `30m` → ISO 8601 duration (`P14D`, `PT1H`, `PT30M`). */
export function isoDuration(span: string): string {
  const m = /^(\d+)([mhd])$/.exec(span);
  if (!m) throw new Error(`not a rule time span: ${span}`);
  return m[2] === 'd' ? `P${m[1]}D` : `PT${m[1]}${m[2].toUpperCase()}`;
}

export function armTemplate(rules: AnalyticsRule[]): object {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      workspace: {
        type: 'string',
        metadata: { description: 'Name of the Log Analytics workspace with Microsoft Sentinel' },
      },
    },
    resources: rules.map((rule) => ({
      type: 'Microsoft.OperationalInsights/workspaces/providers/alertRules',
      apiVersion: ALERT_RULES_API_VERSION,
      name: `[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '${rule.id}')]`,
      kind: 'Scheduled',
      properties: {
        displayName: rule.name,
        description: rule.description,
        severity: rule.severity,
        enabled: true,
        query: rule.query,
        queryFrequency: isoDuration(rule.queryFrequency),
        queryPeriod: isoDuration(rule.queryPeriod),
        triggerOperator: OPERATORS[rule.triggerOperator],
        triggerThreshold: rule.triggerThreshold,
        suppressionDuration: 'PT5H',
        suppressionEnabled: false,
        tactics: rule.tactics,
        // This API version takes parent techniques only; sub-techniques stay in the YAML.
        techniques: [...new Set(rule.relevantTechniques.map((t) => t.split('.')[0]))],
        entityMappings: rule.entityMappings,
        eventGroupingSettings: rule.eventGroupingSettings,
        ...(rule.alertDetailsOverride ? { alertDetailsOverride: rule.alertDetailsOverride } : {}),
        incidentConfiguration: {
          createIncident: true,
          groupingConfiguration: {
            enabled: true,
            reopenClosedIncident: false,
            lookbackDuration: 'PT5H',
            matchingMethod: 'AllEntities',
          },
        },
      },
    })),
  };
}
