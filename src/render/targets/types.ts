import type { Hunt } from '../../hunts/types.js';

/**
 * The contract between the hunt planner and the non-Sentinel renderers: each target turns the
 * planned hunts into files and says, per hunt, what it could not express.
 */

export interface TargetContext {
  /** Feed name(s) the hunts come from, e.g. `ThreatFox`. */
  source: string;
  /** When the output is generated; dates and default validity windows derive from it. */
  generated: Date;
  author?: string;
  /** First Suricata sid; rules are numbered from here. */
  suricataSidBase?: number;
  /** How far back queries look, KQL-style: `30d`, `12h`, `90m`. */
  lookback?: string;
}

export interface TargetFile {
  /** Relative to the output folder, e.g. `sigma/nanocore-rat-domain.yml`. */
  path: string;
  content: string;
}

/** Something a hunt could not express in a target (or expressed only partly). */
export interface TargetNote {
  huntId: string;
  message: string;
}

export interface TargetOutput {
  target: string;
  files: TargetFile[];
  notes: TargetNote[];
}

export type TargetRenderer = (hunts: Hunt[], context: TargetContext) => TargetOutput;
