/**
 * Microsoft's Kusto.Language (the `@kusto/language-service-next` Bridge.NET build), loaded lazily
 * and once: it takes ~0.5 s, so commands that never touch KQL never pay for it.
 */
import { createRequire } from 'node:module';
import { type Column, tableSchemas } from '../schemas/tables.js';

// The Bridge build defines globals with no ES exports; its .d.ts is a global namespace we do not
// import, so the surface used here is typed loosely and wrapped by the functions below.
// biome-ignore lint/suspicious/noExplicitAny: Bridge.NET globals are untyped from ESM
export type KustoNamespace = any;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type KustoGlobals = any;

let kusto: KustoNamespace | undefined;

export function loadKusto(): KustoNamespace {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    kusto = (globalThis as unknown as { Kusto: KustoNamespace }).Kusto;
  }
  return kusto;
}

/** `(A:datetime, B:string)` — the schema text Kusto.Language's TableSymbol.From accepts. */
export function schemaText(columns: Column[]): string {
  return `(${columns.map((c) => `['${c.name.replace(/'/g, "\\'")}']:${c.type}`).join(', ')})`;
}

const globalsCache = new Map<string, KustoGlobals>();

/**
 * GlobalState with every bundled table as a table symbol of database `huntforge`, plus any extra
 * tables (e.g. schemas inferred from local data). Cached per set of table names.
 */
export function kustoGlobals(extraTables: Record<string, Column[]> = {}): KustoGlobals {
  const key = Object.keys(extraTables).sort().join('\u0000');
  const hit = globalsCache.get(key);
  if (hit) return hit;
  const K = loadKusto().Language;
  const tables = { ...tableSchemas(), ...extraTables };
  const symbols = Object.entries(tables).map(([name, columns]) =>
    K.Symbols.TableSymbol.From(schemaText(columns)).WithName(name),
  );
  const db = new K.Symbols.DatabaseSymbol.ctor('huntforge', symbols);
  const globals = K.GlobalState.Default.WithDatabase(db);
  globalsCache.set(key, globals);
  return globals;
}
