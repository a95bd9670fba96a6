/** huntforge's library API. Each capability is exported here as it lands. */
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
