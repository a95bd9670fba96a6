/** huntforge's library API. Each capability is exported here as it lands. */

export { ConfigError, type HuntforgeConfig, loadConfig, parseConfig } from './config/index.js';
export { type HuntDatabase, type OpenDatabaseOptions, openDatabase } from './engine/database.js';
export {
  type IngestedFile,
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
  ingestLogs,
  type LogFormat,
} from './engine/ingest/index.js';
export type { RowFilter } from './engine/ingest/load.js';
export { planRowFilters, type RowFilters } from './engine/row-filters.js';
export { type LocalHuntOptions, type LocalHuntResult, runLocalHunts } from './engine/run-hunts.js';
export { compileConditionSql, sqlIdentifier, sqlString } from './engine/sql/condition.js';
export type { Finding, HuntRunSummary } from './engine/types.js';
export { type GenerateOptions, type GenerateResult, generateFromIndicators } from './generate/generate.js';
export { writeGenerated } from './generate/write.js';
export { describeCondition } from './hunts/conditions.js';
export { describeExclusion, exclusionApplies, mergeExclusions } from './hunts/exclusions.js';
export { type HuntPlan, type PlanOptions, planHunts } from './hunts/plan.js';
export { behaviourHunts, type FamilyProfile, loadProfiles, profilesFor } from './hunts/profiles.js';
export { iocScenarios } from './hunts/scenarios.js';
export type { Condition, Exclusion, Hunt, HuntKind } from './hunts/types.js';
export { canonicalValue } from './intel/canonical.js';
export { filterIndicators, type IndicatorFilter } from './intel/filter.js';
export { type IndicatorJson, indicatorToJson } from './intel/json.js';
export { IndicatorMerger, mergeIndicators } from './intel/merge.js';
export { displayType, displayValue, indicatorsToCsv } from './intel/present.js';
export {
  type LazyReadSummary,
  type ReadOptions,
  type ReadSummary,
  readIndicators,
  readIndicatorsFromText,
  readIndicatorsLazy,
} from './intel/read.js';
export { defang, refang } from './intel/refang.js';
export type * from './intel/types.js';
export {
  checkDomain,
  checkHash,
  checkIp,
  flagsFor,
  listWarninglists,
  loadWarninglists,
  validateWarninglist,
  type Warninglist,
  WarninglistIndex,
  type WarninglistSummary,
} from './intel/warninglists/index.js';
export { type KqlPlatform, kustoGlobals, loadKusto } from './kql/kusto.js';
export {
  describeTables,
  type KqlResult,
  kqlTypeOfDuckType,
  type RunKqlOptions,
  runKql,
  type SqlDatabase,
  type TableCatalog,
} from './kql/run.js';
export { type KqlTree, parseKqlTree } from './kql/syntax.js';
export {
  KqlMissingTableError,
  KqlSemanticError,
  KqlUnsupportedError,
  type QueryPosition,
  type TranslatedQuery,
  type TranslateOptions,
  translateKql,
} from './kql/translate/index.js';
export {
  type FileDiagnostic,
  type FileValidation,
  type KqlDiagnostic,
  type KqlValidateOptions,
  type ValidationReport,
  validateFile,
  validateKql,
  validatePaths,
} from './kql/validate.js';
export { getAccessToken, SCOPES } from './remote/credentials.js';
export { type RemoteHunt, rowsToFindings } from './remote/findings.js';
export { loadHuntsForRemote, registerRemoteHuntPlanner } from './remote/hunt-source.js';
export { type RemoteRunResult, runRemoteHunts } from './remote/run-hunts.js';
export { deployAlertRule, deployWatchlist } from './remote/sentinel-arm.js';
export { uploadStixObjects } from './remote/stix-upload.js';
export { checkTables, type TableCheck } from './remote/table-check.js';
export { createTarget, type RemoteTarget, type TargetSpec } from './remote/target.js';
export { queryThreatFox, type ThreatFoxRequest, type ThreatFoxResponse } from './remote/threatfox.js';
export { isThreatFoxInput, resolveThreatFoxInput } from './remote/threatfox-input.js';
export { compileConditionKql, compileExclusionsKql, exclusionEffectsKql } from './render/kql/condition.js';
export { type KqlRenderOptions, renderHuntKql } from './render/kql/hunt.js';
export { kqlString } from './render/kql/literal.js';
export {
  isTargetName,
  renderTarget,
  TARGETS,
  type TargetContext,
  type TargetFile,
  type TargetName,
  type TargetNote,
  type TargetOutput,
} from './render/targets/index.js';
export { findingsCsv, findingsJson, summarizeFindings } from './report/findings.js';
export { renderHtmlReport } from './report/html.js';
export { renderMarkdown } from './report/markdown.js';
export type { HuntReport } from './report/model.js';
