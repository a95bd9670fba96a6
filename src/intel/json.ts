/** The `iocs --json` contract (DESIGN.md): one object shape per indicator, nothing more, nothing less. */
import type { Flag, Indicator, IndicatorType } from './types.js';

export interface IndicatorJson {
  type: IndicatorType;
  value: string;
  port: number | null;
  malware: string | null;
  threatType: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  confidence: number | null;
  tags: string[];
  /** Provenance as `file:line` / `file#record` locations. */
  sources: string[];
  flags: Flag[];
}

export function indicatorToJson(i: Indicator): IndicatorJson {
  return {
    type: i.type,
    value: i.value,
    port: i.port,
    malware: i.malware,
    threatType: i.threatType,
    firstSeen: i.firstSeen,
    lastSeen: i.lastSeen,
    confidence: i.confidence,
    tags: [...i.tags],
    sources: i.sources.map((s) => s.location),
    flags: i.flags.map((f) => ({ list: f.list, category: f.category, reason: f.reason })),
  };
}
