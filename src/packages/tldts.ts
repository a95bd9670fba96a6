/** tldts, required (see require.ts). */
import { requirePackage } from './require.js';

export const tldts: typeof import('tldts') = requirePackage('tldts');
