/**
 * Keeps tokens and keys out of everything huntforge prints. Credentials register the secrets
 * they hand out; every error message built from a service reply passes through `redact`.
 */

const knownSecrets = new Set<string>();

/** Remembers a secret so that later messages never show it. Short values are ignored (too noisy). */
export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 6) knownSecrets.add(secret);
}

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// Named secrets in JSON (`"Auth-Key": "…"`), headers (`api-key: …`) and query strings (SAS `sig=…`).
const KEY_FIELD =
  /(\b(?:auth[-_]?key|api[-_]?key|access[-_]?token|refresh[-_]?token|client[-_]?secret|password|sig)"?\s*[:=]\s*"?)([^"&\s,}]{4,})/gi;

/** Replaces registered secrets, bearer credentials, JWTs and key=value secrets with `***`. */
export function redact(text: string, extraSecrets: (string | undefined)[] = []): string {
  let out = text;
  const secrets = [...knownSecrets, ...extraSecrets.filter((s): s is string => !!s && s.length >= 4)];
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of secrets.sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out.replace(BEARER, '$1 ***').replace(JWT, '***').replace(KEY_FIELD, '$1***');
}

/** Scrubs an error's message and stack in place (for errors raised by libraries) and returns it. */
export function redactError<T>(err: T): T {
  if (err instanceof Error) {
    err.message = redact(err.message);
    if (err.stack) err.stack = redact(err.stack);
  }
  return err;
}
