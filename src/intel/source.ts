/** Compact provenance for line formats. */
import type { Source } from './types.js';

/**
 * A Source whose `location` (`file:line`) is computed when read instead of stored: a 1M-row
 * export keeps one of these per indicator, and the stored string would be its largest part.
 * `toJSON` keeps it serialising like a plain Source.
 */
export class LineSource implements Source {
  constructor(
    readonly file: string,
    readonly format: string,
    readonly line: number,
    public reference: string | undefined = undefined,
    public reporter: string | undefined = undefined,
  ) {}

  get location(): string {
    return `${this.file}:${this.line}`;
  }

  toJSON(): Source {
    const out: Source = { file: this.file, location: this.location, format: this.format };
    if (this.reference !== undefined) out.reference = this.reference;
    if (this.reporter !== undefined) out.reporter = this.reporter;
    return out;
  }
}
