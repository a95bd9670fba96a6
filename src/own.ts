/**
 * What a lookup table holds for a key read from input, or undefined. `table[key]` alone also finds
 * what every object inherits: a feed's type `constructor` would read as the Object function.
 */
export function ownValue<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
