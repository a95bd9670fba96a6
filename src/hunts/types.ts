/**
 * The hunt model: one logical hunt, planned from indicators, that every renderer (KQL, SQL for
 * the local engine, Sigma, SPL, …) turns into its own language. Renderers never re-derive
 * matching rules; they read them from here.
 */
import type { Indicator, IndicatorType } from '../intel/types.js';
import type { LogicalField } from '../schemas/fields.js';

/**
 * What a hunt looks for. IOC kinds match indicators against columns; `dns-then-connect`
 * correlates a lookup of an IOC domain with a connection from the same host; `behaviour` is a
 * family profile's host behaviour (process creation etc.).
 */
export type HuntKind = 'ip' | 'domain' | 'url' | 'hash' | 'dns-then-connect' | 'behaviour';

export type Severity = 'Informational' | 'Low' | 'Medium' | 'High';

/** A data connector that feeds a table (Azure-Sentinel connector id and the data types it writes). */
export interface DataConnector {
  connectorId: string;
  dataTypes: string[];
}

/** Sentinel entity mapping, as in the Azure-Sentinel analytics-rule YAML. */
export interface EntityMapping {
  entityType: 'Account' | 'Host' | 'IP' | 'DNS' | 'URL' | 'FileHash' | 'File' | 'Process';
  fieldMappings: { identifier: string; columnName: string }[];
}

/** One side of an IP match: the IP column and, where the table has one, its port column. */
export interface EndpointColumns {
  ip: string;
  port?: string;
}

/** How an IOC hunt matches its indicators against one table's columns. */
export interface IocMatch {
  indicatorType: 'ip' | 'domain' | 'url' | 'hash';
  /** ip: each endpoint pair is tried (e.g. destination, then source). */
  endpoints?: EndpointColumns[];
  /** domain: columns holding a host name, or a URL whose host is taken (`url-host`). */
  domainColumns?: { column: string; holds: 'name' | 'url-host' }[];
  /** url: columns holding a full URL. */
  urlColumns?: string[];
  /** hash: columns per hash type (a column may hold several types, e.g. CommonSecurityLog.FileHash). */
  hashColumns?: { column: string; types: ('md5' | 'sha1' | 'sha256')[] }[];
  /** ip:port indicators require the port where the table has one, unless this is true. */
  ignorePort: boolean;
}

export type ConditionOperator = 'equals' | 'startswith' | 'endswith' | 'contains' | 'cidr' | 'regex';

/**
 * A condition on a logical field (mapped per table) or on an explicit `Table.Column`; `values` are
 * OR'd. Used both for behaviour-hunt selections and for exclusions.
 */
export type Condition =
  | { field: LogicalField | `${string}.${string}`; operator: ConditionOperator; values: string[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** A reason not to report a row. Renderers compile it as `not(condition)`. */
export interface Exclusion {
  id: string;
  reason: string;
  /** Hunt kinds or table names it applies to; empty means every hunt. */
  scope: string[];
  condition: Condition;
  /** Where it came from: `huntforge.yaml:12`, `profile:nanocore`, `scenario:cdn`. */
  origin: string;
}

export interface FalsePositiveScenario {
  id: string;
  title: string;
  description: string;
  /** How huntforge handles it: the exclusion applied, or the prose of its handling. */
  handling: string;
  exclusionIds: string[];
}

/** A DNS lookup of an indicator domain that must precede the connection, from the same client. */
export interface LookupCorrelation {
  /** Table of the lookups, e.g. DnsEvents. */
  lookupTable: string;
  lookupMatch: IocMatch;
  /** Domain indicators looked up. */
  domains: Indicator[];
  /** Client address column in the lookup table (DnsEvents.ClientIP) … */
  lookupClientColumn: string;
  /** … equal to this column of the connection table (DeviceNetworkEvents.LocalIP). */
  clientColumn: string;
  /** The connection must follow the lookup within this many minutes. */
  windowMinutes: number;
}

export interface Hunt {
  /** Stable GUID derived from family, kind and table: regenerating does not churn ids. */
  id: string;
  kind: HuntKind;
  title: string;
  description: string;
  /** One line for the report: what it matches and why. */
  purpose: string;
  table: string;
  /** Logical fields projected, in order (mapped to the table's columns by each renderer). */
  project: LogicalField[];
  /** Extra table columns projected after the logical ones. */
  projectColumns: string[];
  connectors: DataConnector[];
  indicators: Indicator[];
  indicatorTypes: IndicatorType[];
  match?: IocMatch;
  /** behaviour hunts: the rows to report (before exclusions). */
  selection?: Condition;
  /**
   * dns-then-connect hunts: a connection (this hunt's table and IP match) counts only when the same
   * client looked up an indicator domain shortly before.
   */
  correlation?: LookupCorrelation;
  severity: Severity;
  tactics: string[];
  techniques: string[];
  entityMappings: EntityMapping[];
  exclusions: Exclusion[];
  falsePositives: FalsePositiveScenario[];
  family: string | null;
}
