/**
 * The yaml package, required (see require.ts) on first use: most runs parse no YAML (the bundled
 * data is compiled to JSON at build time), and loading it costs 60-90 ms.
 */
import { requirePackage } from './require.js';

let loaded: typeof import('yaml') | undefined;

export function yamlPackage(): typeof import('yaml') {
  loaded ??= requirePackage('yaml') as typeof import('yaml');
  return loaded;
}
