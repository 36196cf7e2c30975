/**
 * Cognito sign-in without an SDK: InitiateAuth (USER_PASSWORD_AUTH) and RespondToAuthChallenge are two JSON
 * calls, and the SDK would be most of the bundle. Handles the TOTP code (SOFTWARE_TOKEN_MFA) and the first
 * sign-in's new password (NEW_PASSWORD_REQUIRED); refreshes the ID token with the refresh token. Pure apart from
 * the injected fetch and clock.
 */
import type { KeyValueStore } from './token.js';

export interface CognitoConfig {
  readonly region: string;
  readonly clientId: string;
}

export interface CognitoTokens {
  readonly idToken: string;
  readonly refreshToken?: string;
  /** Epoch ms after which the ID token is no longer accepted. */
  readonly expiresAt: number;
}

/** Where a sign-in stands: done, or waiting for one more answer from the user. */
export type SignInStep =
  | { readonly kind: 'signedIn'; readonly tokens: CognitoTokens }
  | { readonly kind: 'mfa'; readonly username: string; readonly session: string }
  | { readonly kind: 'newPassword'; readonly username: string; readonly session: string };

/** A refusal from Cognito, with its message (e.g. "Incorrect username or password."). */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

interface AuthResult {
  readonly AuthenticationResult?: { IdToken?: string; RefreshToken?: string; ExpiresIn?: number };
  readonly ChallengeName?: string;
  readonly Session?: string;
}

export interface CognitoClientOptions {
  readonly fetch: typeof fetch;
  readonly now?: () => number;
}

/** A region looks like `eu-central-1`; anything else would put a foreign host in the request URL. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function createCognitoClient(config: CognitoConfig, options: CognitoClientOptions) {
  if (!REGION.test(config.region)) throw new Error(`Not an AWS region: ${config.region}`);
  const endpoint = `https://cognito-idp.${config.region}.amazonaws.com/`;
  const now = options.now ?? Date.now;

  async function call(action: string, body: Record<string, unknown>): Promise<AuthResult> {
    let res: Response;
    try {
      res = await options.fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new CognitoError(
        'NetworkError',
        `Cognito could not be reached (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!res.ok) {
      // `__type` may carry a namespace prefix: `com.amazon…#NotAuthorizedException`.
      const type = String(parsed.__type ?? `HTTP ${res.status}`).replace(/^.*#/, '');
      const message = String(parsed.message ?? parsed.Message ?? `Cognito answered ${res.status}.`);
      throw new CognitoError(type, message);
    }
    return parsed as AuthResult;
  }

  function stepOf(result: AuthResult, username: string, refreshToken?: string): SignInStep {
    const auth = result.AuthenticationResult;
    if (auth?.IdToken) {
      return {
        kind: 'signedIn',
        tokens: {
          idToken: auth.IdToken,
          refreshToken: auth.RefreshToken ?? refreshToken,
          expiresAt: now() + (auth.ExpiresIn ?? 3600) * 1000,
        },
      };
    }
    const session = result.Session ?? '';
    if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA') return { kind: 'mfa', username, session };
    if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED') return { kind: 'newPassword', username, session };
    if (result.ChallengeName === 'MFA_SETUP') {
      throw new CognitoError(
        'MFA_SETUP',
        'This user has no authenticator app yet. Set one up with the AWS CLI (associate-software-token), then sign in here.',
      );
    }
    throw new CognitoError(
      result.ChallengeName ?? 'UnexpectedAnswer',
      `Cognito asked for ${result.ChallengeName ?? 'something'} this page cannot answer.`,
    );
  }

  const respond = (
    step: { username: string; session: string },
    name: string,
    answers: Record<string, string>,
  ) =>
    call('RespondToAuthChallenge', {
      ChallengeName: name,
      ClientId: config.clientId,
      Session: step.session,
      ChallengeResponses: { USERNAME: step.username, ...answers },
    }).then((result) => stepOf(result, step.username));

  return {
    async signIn(username: string, password: string): Promise<SignInStep> {
      const result = await call('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      });
      return stepOf(result, username);
    },
    answerMfa(step: { username: string; session: string }, code: string): Promise<SignInStep> {
      return respond(step, 'SOFTWARE_TOKEN_MFA', { SOFTWARE_TOKEN_MFA_CODE: code.replace(/\s+/g, '') });
    },
    setNewPassword(step: { username: string; session: string }, password: string): Promise<SignInStep> {
      return respond(step, 'NEW_PASSWORD_REQUIRED', { NEW_PASSWORD: password });
    },
    /** New ID token from the refresh token (Cognito sends no new refresh token: the old one is kept). */
    async refresh(refreshToken: string): Promise<CognitoTokens> {
      const result = await call('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: config.clientId,
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      });
      const step = stepOf(result, '', refreshToken);
      if (step.kind !== 'signedIn') throw new CognitoError('RefreshFailed', 'Sign in again.');
      return step.tokens;
    },
  };
}

export type CognitoClient = ReturnType<typeof createCognitoClient>;

const SESSION_KEY = 'kairos.cognito';

/** Cognito tokens in sessionStorage: gone when the tab closes. */
export function createCognitoSession(storage: KeyValueStore) {
  return {
    get(): CognitoTokens | undefined {
      try {
        const value = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null') as CognitoTokens | null;
        return value && typeof value.idToken === 'string' ? value : undefined;
      } catch {
        return undefined;
      }
    },
    set(tokens: CognitoTokens): void {
      storage.setItem(SESSION_KEY, JSON.stringify(tokens));
    },
    clear(): void {
      storage.removeItem(SESSION_KEY);
    },
  };
}

export type CognitoSession = ReturnType<typeof createCognitoSession>;

/** Renew a minute early, so a call does not leave with a token that expires on the way. */
export const REFRESH_MARGIN_MS = 60_000;

/**
 * The `Authorization` value for the next call: the stored ID token, refreshed first when it is about to expire;
 * undefined when there is none (or the refresh failed), so the page shows the sign-in.
 */
export async function cognitoAuthorization(
  session: CognitoSession,
  client: CognitoClient,
  now: number,
  force = false,
): Promise<string | undefined> {
  const tokens = session.get();
  if (!tokens) return undefined;
  if (!force && tokens.expiresAt - REFRESH_MARGIN_MS > now) return tokens.idToken;
  if (!tokens.refreshToken) {
    session.clear();
    return undefined;
  }
  try {
    const fresh = await client.refresh(tokens.refreshToken);
    session.set(fresh);
    return fresh.idToken;
  } catch {
    session.clear();
    return undefined;
  }
}
