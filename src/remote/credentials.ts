/**
 * Bearer tokens for the Microsoft services: `HUNTFORGE_ACCESS_TOKEN` first (pipelines, tests),
 * otherwise @azure/identity's DefaultAzureCredential — imported only when needed, since it is
 * heavy and most commands never talk to Azure. Tokens are cached per scope until shortly before
 * they expire, and registered for redaction so they never reach output.
 */
import { UserFacingError } from '../cli/command.js';
import { redact, registerSecret } from './redact.js';

export const SCOPES = {
  logAnalytics: 'https://api.loganalytics.io/.default',
  management: 'https://management.azure.com/.default',
  graph: 'https://graph.microsoft.com/.default',
  /** Azure Data Explorer: the cluster URL is the audience. */
  adx: (clusterUrl: string) => `${clusterUrl.replace(/\/+$/, '')}/.default`,
} as const;

export interface TokenCredentialLike {
  /** `expiresOnTimestamp` (ms since the epoch) as @azure/identity's AccessToken carries it. */
  getToken(scope: string | string[]): Promise<{ token: string; expiresOnTimestamp?: number } | null>;
}

export interface TokenOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces DefaultAzureCredential (tests, or callers with their own credential). */
  credential?: TokenCredentialLike;
  now?: () => number;
}

/** No usable credential: sign-in failed, or a token was rejected and cannot be refreshed. */
export class CredentialError extends UserFacingError {
  override name = 'CredentialError';
}

/** Refresh this long before expiry so a token never lapses mid-request. */
const EXPIRY_MARGIN_MS = 2 * 60_000;

const cache = new Map<string, { token: string; expiresOn: number }>();
let defaultCredential: TokenCredentialLike | undefined;

/** HUNTFORGE_ACCESS_TOKEN when set: used as is, and cannot be refreshed. */
export function staticAccessToken(options: TokenOptions = {}): string | undefined {
  return (options.env ?? process.env).HUNTFORGE_ACCESS_TOKEN?.trim() || undefined;
}

export async function getAccessToken(scope: string, options: TokenOptions = {}): Promise<string> {
  const fromEnv = staticAccessToken(options);
  if (fromEnv) {
    registerSecret(fromEnv);
    return fromEnv;
  }
  const now = (options.now ?? Date.now)();
  const cached = cache.get(scope);
  if (cached && cached.expiresOn - EXPIRY_MARGIN_MS > now) return cached.token;
  // Hunts start together: they share one sign-in rather than asking the identity library each.
  let pending = fetching.get(scope);
  if (!pending) {
    pending = fetchToken(scope, options).finally(() => fetching.delete(scope));
    fetching.set(scope, pending);
  }
  return pending;
}

const fetching = new Map<string, Promise<string>>();

async function fetchToken(scope: string, options: TokenOptions): Promise<string> {
  const credential = options.credential ?? (await loadDefaultCredential());
  let result: Awaited<ReturnType<TokenCredentialLike['getToken']>>;
  try {
    result = await credential.getToken(scope);
  } catch (err) {
    throw new CredentialError(
      redact(
        `could not get an Azure access token for ${scope}: ${firstLine(err)}. ` +
          'Sign in with `az login` (or set up a managed identity / service principal), or set HUNTFORGE_ACCESS_TOKEN.',
      ),
    );
  }
  if (!result?.token) throw new CredentialError(`could not get an Azure access token for ${scope}`);
  registerSecret(result.token);
  // Without an expiry the token is kept until a service rejects it (and is then refreshed).
  cache.set(scope, { token: result.token, expiresOn: result.expiresOnTimestamp ?? Number.POSITIVE_INFINITY });
  return result.token;
}

/**
 * A fresh token after the service rejected `rejected` as expired or revoked (401
 * `invalid_token`). Concurrent callers share one refresh, and a caller whose token was already
 * replaced gets the new one without asking again. HUNTFORGE_ACCESS_TOKEN cannot be refreshed:
 * that is a clear error naming it.
 */
export async function refreshAccessToken(
  scope: string,
  rejected: string,
  options: TokenOptions = {},
): Promise<string> {
  if (staticAccessToken(options))
    throw new CredentialError(
      'the service rejected HUNTFORGE_ACCESS_TOKEN as expired or invalid (401 invalid_token) and it cannot be ' +
        'refreshed: set a new token, or unset it to sign in through Azure',
    );
  const cached = cache.get(scope);
  if (cached && cached.token !== rejected) return cached.token;
  // Forget the rejected token; a refresh already under way is shared.
  if (!fetching.has(scope)) cache.delete(scope);
  return getAccessToken(scope, options);
}

/** Forgets cached tokens (tests; or after a 401 to force a fresh sign-in). */
export function clearTokenCache(): void {
  cache.clear();
}

async function loadDefaultCredential(): Promise<TokenCredentialLike> {
  if (!defaultCredential) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    defaultCredential = new DefaultAzureCredential();
  }
  return defaultCredential;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim().replace(/\.+$/, '');
}
