/**
 * The named lists of huntforge.yaml (`lists:`) are read by shipped profiles and scenarios and by
 * the user's own exclusions. A list nothing reads is almost always a misspelt name, and a value a
 * list's users cannot compile (an address that is not one) would silently drop an exclusion — so
 * both are reported when the file is loaded, with the line.
 */
import type { ConditionTemplate } from '../hunts/conditions.js';
import { templateLists } from '../hunts/conditions.js';
import { loadProfiles } from '../hunts/profiles.js';
import { loadIocScenarioFile } from '../hunts/scenarios.js';
import type { ConditionOperator } from '../hunts/types.js';

export type ListUsage = Map<string, Set<ConditionOperator>>;

export function addListUsage(usage: ListUsage, template: ConditionTemplate): void {
  for (const { list, operator } of templateLists(template)) {
    if (!usage.has(list)) usage.set(list, new Set());
    usage.get(list)!.add(operator);
  }
}

let shipped: ListUsage | undefined;

/** The lists shipped profiles and IOC scenarios read, with the operators reading them. */
export function shippedListUsage(): ListUsage {
  if (shipped) return shipped;
  const usage: ListUsage = new Map();
  for (const profile of loadProfiles()) {
    for (const hunt of profile.hunts) {
      addListUsage(usage, hunt.selection);
      for (const scenario of hunt.falsePositives)
        for (const e of scenario.exclusions) addListUsage(usage, e.condition);
    }
  }
  for (const scenario of loadIocScenarioFile().scenarios) {
    for (const e of scenario.exclusions) addListUsage(usage, e.condition);
  }
  shipped = usage;
  return usage;
}
