import { describe, expect, it } from 'vitest';
import {
  CognitoError,
  cognitoAuthorization,
  createCognitoClient,
  createCognitoSession,
} from '../../../dashboard/src/auth/cognito.js';
import type { KeyValueStore } from '../../../dashboard/src/auth/token.js';

interface Call {
  url: string;
  target: string;
  body: any;
}

/** A stand-in for Cognito's JSON endpoint: answers per call, records what was asked. */
function fakeCognito(answers: { status?: number; body: unknown }[]) {
  const calls: Call[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const headers = init?.headers as Record<string, string>;
    calls.push({ url: String(url), target: headers['x-amz-target'], body: JSON.parse(String(init?.body)) });
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    const next = answers.shift();
    if (!next) throw new Error('unexpected call');
    return new Response(JSON.stringify(next.body), { status: next.status ?? 200 });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const config = { region: 'eu-central-1', clientId: 'client123' };
const NOW = 1_800_000_000_000;
const tokens = { IdToken: 'id-1', AccessToken: 'acc', RefreshToken: 'ref-1', ExpiresIn: 3600 };

describe('Cognito sign-in', () => {
  it('signs in with USER_PASSWORD_AUTH, then the TOTP code', async () => {
    const { fetch, calls } = fakeCognito([
      { body: { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'sess-1', ChallengeParameters: {} } },
      { body: { AuthenticationResult: tokens } },
    ]);
    const client = createCognitoClient(config, { fetch, now: () => NOW });
    const step = await client.signIn('alice', 'pw');
    expect(step).toEqual({ kind: 'mfa', username: 'alice', session: 'sess-1' });
    if (step.kind !== 'mfa') throw new Error('unreachable');
    const done = await client.answerMfa(step, '123 456');
    expect(done).toEqual({
      kind: 'signedIn',
      tokens: { idToken: 'id-1', refreshToken: 'ref-1', expiresAt: NOW + 3600_000 },
    });
    expect(calls[0]).toEqual({
      url: 'https://cognito-idp.eu-central-1.amazonaws.com/',
      target: 'AWSCognitoIdentityProviderService.InitiateAuth',
      body: {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: 'client123',
        AuthParameters: { USERNAME: 'alice', PASSWORD: 'pw' },
      },
    });
    expect(calls[1]).toEqual({
      url: 'https://cognito-idp.eu-central-1.amazonaws.com/',
      target: 'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
      body: {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ClientId: 'client123',
        Session: 'sess-1',
        ChallengeResponses: { USERNAME: 'alice', SOFTWARE_TOKEN_MFA_CODE: '123456' },
      },
    });
  });

  it('sets the new password a first sign-in asks for, then asks for the code', async () => {
    const { fetch, calls } = fakeCognito([
      { body: { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1' } },
      { body: { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's2' } },
    ]);
    const client = createCognitoClient(config, { fetch, now: () => NOW });
    const first = await client.signIn('bob', 'temporary');
    expect(first.kind).toBe('newPassword');
    if (first.kind !== 'newPassword') throw new Error('unreachable');
    expect(await client.setNewPassword(first, 'n3w-Passw0rd!')).toEqual({
      kind: 'mfa',
      username: 'bob',
      session: 's2',
    });
    expect(calls[1].body.ChallengeResponses).toEqual({ USERNAME: 'bob', NEW_PASSWORD: 'n3w-Passw0rd!' });
  });

  it("passes Cognito's refusal on as a readable error", async () => {
    const { fetch } = fakeCognito([
      { status: 400, body: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' } },
      {
        status: 400,
        body: { __type: 'com.amazonaws#CodeMismatchException', message: 'Invalid code received for user' },
      },
    ]);
    const client = createCognitoClient(config, { fetch, now: () => NOW });
    const refused = await client.signIn('alice', 'wrong').catch((e) => e);
    expect(refused).toBeInstanceOf(CognitoError);
    expect(refused).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    const code = await client.answerMfa({ username: 'alice', session: 's' }, '000000').catch((e) => e);
    expect(code).toMatchObject({ type: 'CodeMismatchException' });
  });

  it('says what to do about a challenge the page cannot answer (MFA set-up)', async () => {
    const { fetch } = fakeCognito([{ body: { ChallengeName: 'MFA_SETUP', Session: 's' } }]);
    const client = createCognitoClient(config, { fetch, now: () => NOW });
    await expect(client.signIn('new-user', 'pw')).rejects.toThrow(/authenticator app/);
  });

  it('refuses a region that is not one (it would name another host)', () => {
    const { fetch } = fakeCognito([]);
    expect(() => createCognitoClient({ region: 'evil.com/x', clientId: 'c' }, { fetch })).toThrow(
      /Not an AWS region/,
    );
  });

  it('refreshes the ID token shortly before it expires and keeps the refresh token', async () => {
    const { fetch, calls } = fakeCognito([
      { body: { AuthenticationResult: { IdToken: 'id-2', ExpiresIn: 3600 } } },
    ]);
    const client = createCognitoClient(config, { fetch, now: () => NOW });
    const session = createCognitoSession(memoryStore());
    session.set({ idToken: 'id-1', refreshToken: 'ref-1', expiresAt: NOW + 5 * 60_000 });
    expect(await cognitoAuthorization(session, client, NOW)).toBe('id-1'); // still valid: no call
    expect(calls).toHaveLength(0);
    expect(await cognitoAuthorization(session, client, NOW + 4.5 * 60_000)).toBe('id-2');
    expect(calls[0].body).toEqual({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: 'client123',
      AuthParameters: { REFRESH_TOKEN: 'ref-1' },
    });
    expect(session.get()).toEqual({ idToken: 'id-2', refreshToken: 'ref-1', expiresAt: NOW + 3600_000 });
  });

  it('signs out when the refresh is refused', async () => {
    const { fetch } = fakeCognito([
      { status: 400, body: { __type: 'NotAuthorizedException', message: 'Refresh Token has expired' } },
    ]);
    const client = createCognitoClient(config, { fetch, now: () => NOW });
    const session = createCognitoSession(memoryStore());
    session.set({ idToken: 'id-1', refreshToken: 'ref-1', expiresAt: NOW - 1 });
    expect(await cognitoAuthorization(session, client, NOW)).toBeUndefined();
    expect(session.get()).toBeUndefined();
  });
});
