/**
 * Remote faults for the loopback services: a bearer token that expires partway through a run,
 * and hunt queries marked (`// hunt h2`) so a fake service can answer each one differently.
 */
import { bearer, oneApiError, type RecordedRequest, type Reply } from './loopback.js';

/** The challenge the Microsoft services send with a 401 for an expired or revoked token. */
export const INVALID_TOKEN_CHALLENGE =
  'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The access token expired"';

/**
 * An `intercept` for the fake Kusto services: `oldToken` is accepted for the first
 * `validRequests` requests and rejected from then on with 401 `invalid_token`; `freshTokens` are
 * always accepted; anything else is a plain 401.
 */
export function tokenExpiresAfter(
  validRequests: number,
  oldToken: string,
  freshTokens: string[] = [],
): { intercept: (req: RecordedRequest) => Reply | undefined; rejected: () => number } {
  let seen = 0;
  let rejected = 0;
  return {
    rejected: () => rejected,
    intercept(req) {
      seen++;
      const token = bearer(req);
      if (token && freshTokens.includes(token)) return undefined;
      if (token === oldToken && seen <= validRequests) return undefined;
      if (token === oldToken) {
        rejected++;
        return {
          status: 401,
          headers: { 'www-authenticate': INVALID_TOKEN_CHALLENGE },
          body: oneApiError(
            'InvalidTokenError',
            'The provided authentication is not valid for this resource',
          ),
        };
      }
      return { status: 401, body: oneApiError('AuthenticationFailed', 'Authentication failed.') };
    },
  };
}

/** The hunt a query belongs to, from its `// hunt ID` marker. */
export function huntOf(req: RecordedRequest): string | undefined {
  const body = req.body as { query?: string; csl?: string; Query?: string } | undefined;
  return /\/\/ hunt (\S+)/.exec(body?.query ?? body?.csl ?? body?.Query ?? '')?.[1];
}

/** A reply that stops mid-body: headers and the start of a JSON document, then a reset socket. */
export const RESET_MID_REPLY: Reply = { status: 200, resetAfter: '{"tables":[{"name":"PrimaryResult","col' };

/** Headers at once, then a space every 20 ms: never finishes, never idles long enough to look dead. */
export const SLOW_LORIS: Reply = { status: 200, trickle: { chunk: ' ', everyMs: 20 } };

/** A complete HTTP 200 whose JSON body was cut short by the sender. */
export const TRUNCATED_JSON: Reply = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  raw: '{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"}],"rows":[["2026-',
};
