/** huntforge's library API. Each capability is exported here as it lands. */
export type * from './intel/types.js';
