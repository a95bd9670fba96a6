/**
 * "Does the deployed resource already say what we would write?" Services add defaults and
 * read-only fields to what they store, so only the fields huntforge sets are compared: objects by
 * the desired keys, arrays element by element, scalars by value.
 */

export function isSubsetEqual(desired: unknown, actual: unknown): boolean {
  if (desired === null || desired === undefined) return actual === null || actual === undefined;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((d, i) => isSubsetEqual(d, actual[i]))
    );
  }
  if (typeof desired === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(desired).every(([k, v]) =>
      isSubsetEqual(v, (actual as Record<string, unknown>)[k]),
    );
  }
  return desired === actual;
}

/** The top-level fields whose desired value differs from the actual one. */
export function changedFields(
  desired: Record<string, unknown>,
  actual: Record<string, unknown> | undefined,
): string[] {
  return Object.keys(desired).filter((k) => !isSubsetEqual(desired[k], actual?.[k]));
}
