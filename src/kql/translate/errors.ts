/** Errors a KQL query can fail with before it runs, each naming the place in the query text. */

export interface QueryPosition {
  /** 1-based line and column of the offending text. */
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): QueryPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** An operator, function or argument outside the supported subset: never approximated. */
export class KqlUnsupportedError extends Error {
  override name = 'KqlUnsupportedError';
  constructor(
    readonly construct: string,
    readonly position: QueryPosition,
    detail?: string,
  ) {
    super(
      `unsupported KQL ${construct} at line ${position.line}:${position.column}${detail ? ` (${detail})` : ''}`,
    );
  }
}

/** Microsoft's analyzer rejected the query (unknown table or column, syntax error, …). */
export class KqlSemanticError extends Error {
  override name = 'KqlSemanticError';
  constructor(
    readonly diagnostic: string,
    readonly position: QueryPosition,
    readonly code: string,
  ) {
    super(`KQL error at line ${position.line}:${position.column}: ${diagnostic} [${code}]`);
  }
}

/** The query reads a table that has no data loaded (no log file of that table was given). */
export class KqlMissingTableError extends Error {
  override name = 'KqlMissingTableError';
  constructor(
    readonly table: string,
    readonly position: QueryPosition,
  ) {
    super(
      `table '${table}' at line ${position.line}:${position.column} has no loaded data (give its logs with --logs)`,
    );
  }
}
