/** The report as data: report.json is this object, report.md and report.html render it. */

export interface IocRow {
  type: string;
  /** Defanged for display (`104[.]21[.]9[.]66:443`). */
  value: string;
  threatType: string;
  firstSeen: string;
  confidence: string;
  flags: string[];
}

export interface ReportHunt {
  id: string;
  title: string;
  kind: string;
  table: string;
  purpose: string;
  severity: string;
  tactics: string[];
  techniques: string[];
  indicatorCount: number;
  flaggedIndicatorCount: number;
  /** How an analytics rule carries the indicators: inline, split rules or a watchlist. */
  delivery: string;
  queries: { platform: string; file: string; kql: string }[];
  exclusions: { id: string; reason: string; filter: string }[];
  notes: string[];
}

export interface ReportTable {
  table: string;
  title: string;
  connectors: { connectorId: string; dataTypes: string[] }[];
  hunts: number;
}

export interface ReportScenario {
  title: string;
  description: string;
  handling: string;
  filters: string[];
}

export interface HuntReport {
  title: string;
  generated: string;
  sources: string[];
  description: string;
  iocSummary: {
    families: string[];
    total: number;
    types: string[];
    countsByType: Record<string, number>;
    flagged: number;
    /** The first IOC_TABLE_LIMIT indicators; all of them are in `allRowsFile` when cut short. */
    rows: IocRow[];
    /** Set only when the table is cut short: the output file that lists every indicator. */
    allRowsFile?: string;
  };
  hunts: ReportHunt[];
  tables: ReportTable[];
  falsePositives: ReportScenario[];
  improvements: string[];
  exclusions: { id: string; reason: string; origin: string; hunts: string[] }[];
  targets: { name: string; files: string[]; notes: string[] }[];
  rejected: { count: number; first: { location: string; reason: string }[] };
  notes: string[];
}
