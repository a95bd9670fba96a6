/** The non-Sentinel targets by name: `huntforge generate --targets sigma,spl,...`. */
import type { Hunt } from '../../hunts/types.js';
import { renderEsql } from './esql.js';
import { renderMisp } from './misp.js';
import { renderSigma } from './sigma.js';
import { renderSpl } from './spl.js';
import { renderStix } from './stix.js';
import { renderSuricata } from './suricata.js';
import type { TargetContext, TargetOutput, TargetRenderer } from './types.js';
import { renderWatchlist } from './watchlist.js';
import { renderZeek } from './zeek.js';

export const TARGETS = ['sigma', 'spl', 'esql', 'suricata', 'zeek', 'stix', 'misp', 'watchlist'] as const;
export type TargetName = (typeof TARGETS)[number];

const RENDERERS: Record<TargetName, TargetRenderer> = {
  sigma: renderSigma,
  spl: renderSpl,
  esql: renderEsql,
  suricata: renderSuricata,
  zeek: renderZeek,
  stix: renderStix,
  misp: renderMisp,
  watchlist: renderWatchlist,
};

export function isTargetName(name: string): name is TargetName {
  return (TARGETS as readonly string[]).includes(name);
}

/** Renders the hunts for one target; throws on an unknown target name. */
export function renderTarget(name: TargetName | string, hunts: Hunt[], context: TargetContext): TargetOutput {
  if (!isTargetName(name)) throw new Error(`unknown target '${name}' (known: ${TARGETS.join(', ')})`);
  return RENDERERS[name](hunts, context);
}

export type { TargetContext, TargetFile, TargetNote, TargetOutput, TargetRenderer } from './types.js';
export {
  renderEsql,
  renderMisp,
  renderSigma,
  renderSpl,
  renderStix,
  renderSuricata,
  renderWatchlist,
  renderZeek,
};
