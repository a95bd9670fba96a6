/**
 * Bearer tokens for whole runs and deploys that outlast one token: every request asks the
 * provider for the current token of its scope (cached by credentials.ts until shortly before
 * `expiresOnTimestamp`), and a request the service answers with 401 gets one fresh token and is
 * sent once more. A second 401 is final: one line naming the service and the operation.
 */
import {
  CredentialError,
  getAccessToken,
  refreshAccessToken,
  staticAccessToken,
  type TokenOptions,
} from './credentials.js';
import { isInvalidTokenError, ServiceError } from './http.js';

export interface TokenProvider {
  /**
   * Runs `call` with a current token for `scope`. `operation` says what the request does
   * (`PUT alertRules/…`, `query`) so a final refusal can name it.
   */
  withToken<T>(scope: string, operation: string, call: (token: string) => Promise<T>): Promise<T>;
}

/** What a request authenticates with: a fixed token (used as is, never refreshed) or a provider. */
export type BearerToken = string | TokenProvider;

export function createTokenProvider(options: TokenOptions = {}): TokenProvider {
  return {
    async withToken(scope, operation, call) {
      const token = await getAccessToken(scope, options);
      try {
        return await call(token);
      } catch (err) {
        if (!isUnauthorized(err)) throw err;
        if (staticAccessToken(options)) throw staticTokenRejected(err, operation);
        const fresh = await refreshAccessToken(scope, token, options);
        try {
          return await call(fresh);
        } catch (again) {
          throw isUnauthorized(again) ? rejectedAfterRefresh(again, operation) : again;
        }
      }
    },
  };
}

/** Runs `call` with `bearer`: a provider renews its token as needed, a fixed token is just used. */
export function withBearer<T>(
  bearer: BearerToken,
  scope: string,
  operation: string,
  call: (token: string) => Promise<T>,
): Promise<T> {
  return typeof bearer === 'string' ? call(bearer) : bearer.withToken(scope, operation, call);
}

function isUnauthorized(err: unknown): err is ServiceError {
  return err instanceof ServiceError && err.status === 401;
}

/**
 * HUNTFORGE_ACCESS_TOKEN cannot be renewed. An expired one (401 invalid_token) says so; any other
 * 401 (a wrong token, another audience) stays the service's own message.
 */
function staticTokenRejected(err: ServiceError, operation: string): Error {
  if (!isInvalidTokenError(err)) return err;
  return new CredentialError(
    `${err.service} (${operation}) rejected HUNTFORGE_ACCESS_TOKEN as expired or invalid (401 invalid_token) ` +
      'and it cannot be refreshed: set a new token, or unset it to sign in through Azure',
  );
}

/** The fresh token was refused too: renewing again would not help, so say where it stopped. */
function rejectedAfterRefresh(err: ServiceError, operation: string): ServiceError {
  const prefix = `${err.service}: `;
  const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new ServiceError(
    `${err.service}: ${operation} was refused with a freshly refreshed token too — ${detail}`,
    err.service,
    err.status,
    err.code,
    err.wwwAuthenticate,
  );
}
