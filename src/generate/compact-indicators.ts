/**
 * Indicators for generate, held with their repeated parts shared: a feed of millions repeats a
 * handful of families, tags, threat types and dates, and one array or string per indicator for
 * each of them is most of the memory a materialised feed takes. Nothing downstream of the read
 * modifies an indicator, and the shared arrays are frozen so that nothing can.
 */
import { LineSource } from '../intel/source.js';
import type { Flag, Indicator, Source } from '../intel/types.js';

const NO_FLAGS: readonly Flag[] = Object.freeze([]);

export class IndicatorCompactor {
  private readonly strings = new Map<string, string>();
  private readonly stringLists = new Map<string, readonly string[]>();

  compact(i: Indicator): Indicator {
    // every field written out, in the read's order: one fast object of fixed shape per indicator
    return {
      type: i.type,
      value: i.value,
      port: i.port,
      host: i.host,
      malware: this.text(i.malware),
      malwareIds: this.list(i.malwareIds),
      malwareAliases: this.list(i.malwareAliases),
      threatType: this.text(i.threatType),
      firstSeen: this.text(i.firstSeen),
      lastSeen: this.text(i.lastSeen),
      validUntil: this.text(i.validUntil),
      confidence: i.confidence,
      tags: this.list(i.tags),
      sources: i.sources.map((source) => this.source(source)),
      flags: this.flags(i.flags),
    };
  }

  private text<T extends string | null | undefined>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  private list(values: string[]): string[] {
    const key = values.join('\u0000');
    let shared = this.stringLists.get(key);
    if (!shared || shared.length !== values.length) {
      shared = Object.freeze(values.map((v) => this.text(v)));
      this.stringLists.set(key, shared);
    }
    return shared as string[];
  }

  /** The store builds each source's file, format and reporter afresh: shared here. */
  private source(s: Source): Source {
    if (s instanceof LineSource)
      return new LineSource(
        this.text(s.file),
        this.text(s.format),
        s.line,
        this.text(s.reference),
        this.text(s.reporter),
      );
    const out: Source = { ...s, file: this.text(s.file), format: this.text(s.format) };
    if (s.reference !== undefined) out.reference = this.text(s.reference);
    if (s.reporter !== undefined) out.reporter = this.text(s.reporter);
    return out;
  }

  /** Most indicators are on no warninglist: they share one empty array (flags themselves stay as read). */
  private flags(flags: Flag[]): Flag[] {
    return flags.length === 0 ? (NO_FLAGS as Flag[]) : flags;
  }
}

/** Every indicator of the iteration, compacted (see IndicatorCompactor). */
export function compactIndicators(indicators: Iterable<Indicator>): Indicator[] {
  const compactor = new IndicatorCompactor();
  const out: Indicator[] = [];
  for (const i of indicators) out.push(compactor.compact(i));
  return out;
}
