/**
 * YAML read with line numbers, for files people write by hand (huntforge.yaml, family profiles,
 * scenario files): every problem is reported as `file:line: path: what is wrong (what is allowed)`
 * and all problems of a file are collected before failing.
 */
import type { Node, YAMLMap } from 'yaml';
import { yamlPackage } from '../packages/yaml.js';

export interface Problem {
  file: string;
  line: number;
  path: string;
  message: string;
}

export class YamlFileError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line);
    super(sorted.map(formatProblem).join('\n'));
    this.problems = sorted;
    this.name = 'YamlFileError';
  }
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** A parsed YAML file plus the problems found in it so far. */
export class YamlSource {
  readonly problems: Problem[] = [];
  readonly root: Node | null;
  private readonly lines = new (yamlPackage().LineCounter)();

  /** `label` is the name used in messages (e.g. `huntforge.yaml`). */
  constructor(
    readonly label: string,
    text: string,
  ) {
    const doc = yamlPackage().parseDocument(text, {
      lineCounter: this.lines,
      prettyErrors: false,
      uniqueKeys: true,
    });
    for (const error of [...doc.errors, ...doc.warnings]) {
      const line = error.linePos?.[0]?.line ?? this.lines.linePos(error.pos[0]).line;
      this.problems.push({ file: label, line, path: '', message: `YAML: ${error.message.split('\n')[0]}` });
    }
    this.root = doc.errors.length > 0 ? null : ((doc.contents as Node | null) ?? null);
  }

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  report(node: Node | null | undefined, path: string, message: string): void {
    this.problems.push({ file: this.label, line: this.lineOf(node), path, message });
  }

  /** Throws YamlFileError when any problem was reported. */
  assertValid(): void {
    if (this.problems.length > 0) throw new YamlFileError(this.problems);
  }

  /**
   * The entries of a mapping, reporting keys outside `allowed`; undefined (reported) when `node`
   * is not a mapping.
   */
  mapping(node: Node | null | undefined, path: string, allowed: readonly string[], what = 'a mapping') {
    if (node === undefined) return undefined;
    if (!yamlPackage().isMap(node)) {
      this.report(node, path, `expected ${what}`);
      return undefined;
    }
    const entries = new Map<string, { key: Node; value: Node }>();
    for (const pair of (node as YAMLMap<Node, Node | null>).items) {
      const key = pair.key as Node;
      const name = yamlPackage().isScalar(key) ? String(key.value) : '';
      if (!allowed.includes(name)) {
        this.report(key, join(path, name), `unknown key (allowed keys: ${allowed.join(', ')})`);
        continue;
      }
      entries.set(name, { key, value: valueOrEmpty(pair.value, key) });
    }
    return entries;
  }

  /** The entries of a mapping without any checks (for a mapping also checked elsewhere). */
  peek(node: Node | null | undefined): Map<string, { key: Node; value: Node }> {
    const entries = new Map<string, { key: Node; value: Node }>();
    if (!yamlPackage().isMap(node)) return entries;
    for (const pair of (node as YAMLMap<Node, Node | null>).items) {
      const key = pair.key as Node;
      if (yamlPackage().isScalar(key))
        entries.set(String(key.value), { key, value: valueOrEmpty(pair.value, key) });
    }
    return entries;
  }

  /**
   * The value of a required key; when the key is missing it is reported once, at the mapping, and
   * undefined is returned — which the readers below pass over silently.
   */
  required(
    entries: Map<string, { key: Node; value: Node }> | undefined,
    key: string,
    node: Node | null | undefined,
    path: string,
  ): Node | undefined {
    const entry = entries?.get(key);
    if (!entry) {
      if (entries) this.report(node, path, `missing ${key}`);
      return undefined;
    }
    return entry.value;
  }

  /** A non-empty string scalar (undefined: absent, already reported). */
  string(node: Node | null | undefined, path: string): string | undefined {
    if (node === undefined) return undefined;
    if (yamlPackage().isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '')
      return node.value;
    this.report(node, path, 'expected a non-empty string');
    return undefined;
  }

  /**
   * A list of scalars as strings (numbers are accepted and written as text: ports, event ids).
   * `hint` is appended to the "expected a list" message.
   */
  stringList(node: Node | null | undefined, path: string, hint = ''): string[] | undefined {
    if (node === undefined) return undefined;
    if (!yamlPackage().isSeq(node)) {
      this.report(node, path, `expected a list of strings${hint}`);
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    node.items.forEach((item, i) => {
      const n = item as Node;
      if (
        yamlPackage().isScalar(n) &&
        (typeof n.value === 'string' || typeof n.value === 'number') &&
        String(n.value) !== ''
      ) {
        out.push(String(n.value));
      } else {
        this.report(n, `${path}[${i}]`, `expected a string${hint}`);
        ok = false;
      }
    });
    return ok ? out : undefined;
  }

  /** The items of a sequence, or undefined (reported). */
  sequence(node: Node | null | undefined, path: string, what = 'a list'): Node[] | undefined {
    if (node === undefined) return undefined;
    if (!yamlPackage().isSeq(node)) {
      this.report(node, path, `expected ${what}`);
      return undefined;
    }
    return node.items as Node[];
  }
}

/** An empty value (`key:` alone) as a null scalar placed at its key, so messages get its line. */
function valueOrEmpty(value: Node | null | undefined, key: Node): Node {
  if (value) return value;
  const empty = new (yamlPackage().Scalar)(null);
  empty.range = key.range;
  return empty;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}
