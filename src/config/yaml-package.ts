/**
 * The yaml package, required on first use. Most runs parse no YAML (the bundled data is compiled to
 * JSON at build time), and importing the package costs 60-90 ms of every start: Node scans each
 * file of a CommonJS package for its exports before importing it into an ES module.
 */
import { createRequire } from 'node:module';

let loaded: typeof import('yaml') | undefined;

export function yamlPackage(): typeof import('yaml') {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return loaded;
}
