/**
 * The CommonJS packages huntforge uses (DuckDB's bindings, yaml, tldts, ipaddr.js) are loaded with
 * require(), not imported. Node imports a CommonJS package into an ES module only after scanning
 * each of its files for its exports: 10-250 ms a package at every start, and again on every worker
 * thread that loads it.
 */
import { createRequire } from 'node:module';

export const requirePackage = createRequire(import.meta.url);
