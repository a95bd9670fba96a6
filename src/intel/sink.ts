/** The ReaderSink every read uses: candidates are canonicalised into a store or rejected. */
import { canonicalise } from './canonical.js';
import type { ReaderSink } from './readers/types.js';
import type { IndicatorStore } from './store/indicator-store.js';
import { excerpt } from './strings.js';
import type { IndicatorCandidate } from './types.js';

export type RejectFn = (location: string, reason: string, raw: string) => void;

export function canonicalisingSink(file: string, store: IndicatorStore, reject: RejectFn): ReaderSink {
  return {
    file,
    candidate(candidate: IndicatorCandidate) {
      const result = canonicalise(candidate);
      if (result.ok) store.add(result.value);
      else reject(candidate.source.location, result.reason, excerpt(candidate.value));
    },
    reject,
  };
}
