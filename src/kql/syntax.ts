/**
 * A query's structure as Microsoft's parser sees it: the facts a hostile-value test compares between
 * a query rendered with a benign value and the same query rendered with a hostile one.
 */
import type { Column } from '../schemas/tables.js';
import { type KqlPlatform, type KustoNamespace, loadKusto } from './kusto.js';
import { analyzeKql, type KqlDiagnostic, toArray } from './validate.js';

export interface KqlTree {
  /** Errors only. */
  diagnostics: KqlDiagnostic[];
  /** Decoded value of every string literal token, in source order (each part of `"a" "b"` separately). */
  stringLiterals: string[];
  /** Tables the query reads, by resolved name, in source order (repeats kept). */
  tableReferences: string[];
  /** Database functions called (`_Im_Dns`, `_GetWatchlist`), in source order. */
  functionReferences: string[];
  /** SyntaxKind names of the query operators, in source order: FilterOperator, ProjectOperator … */
  queryOperators: string[];
  /** Names declared by `let` statements, in order. */
  letNames: string[];
  /** Statements in the query block (`let`s plus expressions, separated by `;`). */
  statementCount: number;
  /** Text of every `//` comment, in order. */
  comments: string[];
}

export function parseKqlTree(
  text: string,
  options: { platform?: KqlPlatform; extraTables?: Record<string, Column[]> } = {},
): KqlTree {
  const { code, source, globals, diagnostics } = analyzeKql(text, options);
  const K = loadKusto().Language;
  const Syntax = K.Syntax;
  const SymbolKind = K.Symbols.SymbolKind;
  const kindNames = syntaxKindNames(Syntax.SyntaxKind);
  const databaseFunctions = new Set(
    toArray(globals.Database?.Functions).map((f: { Name: string }) => f.Name),
  );

  const tree: KqlTree = {
    diagnostics,
    stringLiterals: [],
    tableReferences: [],
    functionReferences: [],
    queryOperators: [],
    letNames: [],
    statementCount: code.Syntax?.Statements?.Count ?? 0,
    comments: [],
  };
  Syntax.SyntaxElement.WalkNodes(code.Syntax, (node: KustoNamespace) => {
    if (node instanceof Syntax.QueryOperator) tree.queryOperators.push(kindNames[node.Kind]);
    else if (node instanceof Syntax.LetStatement) tree.letNames.push(node.Name.SimpleName);
    else if (node instanceof Syntax.NameReference) {
      // `_Im_Dns(...)` and bare `_Im_Dns` both hold one NameReference to the function.
      const symbol = node.ReferencedSymbol;
      if (symbol?.Kind === SymbolKind.Table) tree.tableReferences.push(symbol.Name);
      else if (symbol?.Kind === SymbolKind.Function && databaseFunctions.has(symbol.Name))
        tree.functionReferences.push(symbol.Name);
    }
  });
  // literal values and comments from the real text (analysis may have blanked large arrays)
  source.Syntax.WalkTokens((token: KustoNamespace) => {
    for (const comment of String(token.Trivia ?? '').match(/\/\/[^\r\n]*/g) ?? [])
      tree.comments.push(comment);
    if (token.Kind === Syntax.SyntaxKind.StringLiteralToken && isStringLiteralPart(token, Syntax))
      tree.stringLiterals.push(K.KustoFacts.GetStringLiteralValue(token.Text));
  });
  return tree;
}

/** String tokens that are values (`"x"`, `@"x"`, `h"x"`), not bracketed names such as `['col']`. */
function isStringLiteralPart(token: KustoNamespace, Syntax: KustoNamespace): boolean {
  const parent = token.Parent;
  if (parent instanceof Syntax.LiteralExpression) return !(parent.Parent instanceof Syntax.BracketedName);
  // the parts of `"a" "b"` sit in a list under the compound expression
  return parent?.Parent instanceof Syntax.CompoundStringLiteralExpression;
}

let kindNameCache: Record<number, string> | undefined;

function syntaxKindNames(SyntaxKind: Record<string, unknown>): Record<number, string> {
  if (!kindNameCache) {
    kindNameCache = {};
    for (const [name, value] of Object.entries(SyntaxKind))
      if (typeof value === 'number') kindNameCache[value] = name;
  }
  return kindNameCache;
}
