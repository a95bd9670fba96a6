/** ipaddr.js, required (see require.ts). */
import { requirePackage } from './require.js';

export const ipaddr: typeof import('ipaddr.js') = requirePackage('ipaddr.js');
