import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '../../../lambdas/core/errors.js';
import { authorize, callerOf } from '../../../lambdas/handlers/http/auth.js';
import {
  type ApiAuthConfig,
  arnMatches,
  cognitoRoleOf,
  iamRoleOf,
  readApiAuthConfig,
} from '../../../lambdas/handlers/http/callers.js';
import type { ApiEvent } from '../../../lambdas/handlers/http/types.js';

const ACCOUNT = '123456789012';
const session = (role: string, name = 'alice') => `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`;

const IAM: ApiAuthConfig = {
  mode: 'iam',
  iamCallers: {
    viewer: [session('Kairos-prod-ApiAccessViewerRole-ABC', '*')],
    operator: [session('Kairos-prod-ApiAccessOperatorRole-DEF', '*'), session('ci-deployer', '*')],
    admin: [session('Kairos-prod-ApiAccessAdminRole-GHI', '*'), `arn:aws:iam::${ACCOUNT}:user/alice`],
  },
};

function event(context: { userArn?: string; authorizer?: Record<string, unknown> }): ApiEvent {
  return {
    requestContext: {
      identity: { userArn: context.userArn ?? null },
      authorizer: context.authorizer ?? null,
    },
  } as unknown as ApiEvent;
}

describe('IAM callers (ADR 0014)', () => {
  it.each([
    [session('Kairos-prod-ApiAccessViewerRole-ABC'), 'viewer'],
    [session('Kairos-prod-ApiAccessOperatorRole-DEF', 'bob@example.com'), 'operator'],
    [session('Kairos-prod-ApiAccessAdminRole-GHI'), 'admin'],
    [session('ci-deployer', 'build-42'), 'operator'],
    [`arn:aws:iam::${ACCOUNT}:user/alice`, 'admin'],
  ])('%s acts as %s and is recorded by its ARN', (arn, role) => {
    expect(authorize(event({ userArn: arn }), 'viewer', IAM)).toEqual({ id: arn, role });
  });

  it('refuses an IAM principal without a Kairos role with 403, saying how to get one', () => {
    for (const arn of [
      `arn:aws:iam::${ACCOUNT}:user/mallory`,
      session('Kairos-prod-ApiAccessViewerRole-ABCD'),
      session('AdministratorAccess'),
      `arn:aws:iam::${ACCOUNT}:root`,
    ]) {
      const call = () => authorize(event({ userArn: arn }), 'viewer', IAM);
      expect(call).toThrow(ForbiddenError);
      expect(call).toThrow(/has no Kairos role.*ViewerRoleArn.*kairos:iamPrincipals/);
    }
  });

  it('checks the role against the route: a viewer session may read but not mutate', () => {
    const viewer = event({ userArn: session('Kairos-prod-ApiAccessViewerRole-ABC') });
    expect(authorize(viewer, 'viewer', IAM)?.role).toBe('viewer');
    expect(() => authorize(viewer, 'operator', IAM)).toThrow(
      /needs the 'operator' role; the caller has 'viewer'/,
    );
  });

  it('answers 401 without a caller ARN, and never takes a role from the authorizer context in IAM mode', () => {
    expect(() => authorize(event({}), 'viewer', IAM)).toThrow(UnauthorizedError);
    const spoof = event({ userArn: `arn:aws:iam::${ACCOUNT}:user/mallory`, authorizer: { role: 'admin' } });
    expect(() => authorize(spoof, 'viewer', IAM)).toThrow(ForbiddenError);
  });

  it('lets anyone call public routes, recording a principal only when there is one', () => {
    expect(authorize(event({}), 'public', IAM)).toBeUndefined();
    expect(authorize(event({ userArn: `arn:aws:iam::${ACCOUNT}:user/alice` }), 'public', IAM)?.role).toBe(
      'admin',
    );
  });

  it('picks the highest role when several patterns match', () => {
    expect(iamRoleOf('arn:aws:iam::1:user/x', { viewer: ['*'], admin: ['arn:aws:iam::1:user/*'] })).toBe(
      'admin',
    );
    expect(iamRoleOf('arn:aws:iam::1:user/x', {})).toBeUndefined();
  });
});

describe('arnMatches', () => {
  it('treats * and ? as IAM wildcards and everything else literally', () => {
    expect(arnMatches('arn:aws:sts::1:assumed-role/R/*', 'arn:aws:sts::1:assumed-role/R/s')).toBe(true);
    expect(arnMatches('arn:aws:sts::1:assumed-role/R/*', 'arn:aws:sts::1:assumed-role/RX/s')).toBe(false);
    expect(arnMatches('arn:aws:iam::1:user/a?c', 'arn:aws:iam::1:user/abc')).toBe(true);
    expect(arnMatches('arn:aws:iam::1:user/a.c', 'arn:aws:iam::1:user/abc')).toBe(false);
    expect(arnMatches('arn:aws:iam::1:user/a', 'arn:aws:iam::1:user/ab')).toBe(false);
    expect(arnMatches('arn:aws:iam::1:user/(a|b)', 'arn:aws:iam::1:user/a')).toBe(false);
  });
});

describe('Cognito callers', () => {
  const COGNITO: ApiAuthConfig = { mode: 'cognito' };
  const claims = (extra: Record<string, unknown>) =>
    event({ authorizer: { claims: { sub: 'u-1', 'cognito:username': 'alice', ...extra } } });

  it.each([
    ['viewer', 'viewer'],
    ['viewer,admin', 'admin'],
    ['[operator viewer]', 'operator'],
    ['auditors,operator', 'operator'],
  ])('maps cognito:groups %j to the highest role, %s', (groups, role) => {
    expect(authorize(claims({ 'cognito:groups': groups }), 'viewer', COGNITO)).toEqual({
      id: 'cognito:alice',
      role,
    });
  });

  it('refuses a user in no Kairos group with 403 and a request without claims with 401', () => {
    expect(() => authorize(claims({}), 'viewer', COGNITO)).toThrow(/none of the user pool groups/);
    expect(() => authorize(claims({ 'cognito:groups': 'admins' }), 'viewer', COGNITO)).toThrow(
      ForbiddenError,
    );
    expect(() => authorize(event({ authorizer: { role: 'admin' } }), 'viewer', COGNITO)).toThrow(
      UnauthorizedError,
    );
  });

  it('reads a groups array too', () => {
    expect(cognitoRoleOf(['operator'])).toBe('operator');
    expect(cognitoRoleOf(undefined)).toBeUndefined();
  });
});

describe('local tokens', () => {
  it('takes the role the token check put in the authorizer context', () => {
    const local = event({ authorizer: { principalId: 'local:viewer:abc', role: 'viewer' } });
    expect(callerOf(local)).toEqual({ id: 'local:viewer:abc', role: 'viewer' });
    expect(() => authorize(event({ userArn: `arn:aws:iam::${ACCOUNT}:user/alice` }), 'viewer')).toThrow(
      UnauthorizedError,
    );
  });
});

describe('readApiAuthConfig', () => {
  it('reads the mode and, behind IAM, the caller patterns', () => {
    expect(readApiAuthConfig({ KAIROS_API_AUTH: 'cognito' })).toEqual({ mode: 'cognito' });
    const callers = { viewer: ['arn:aws:sts::1:assumed-role/V/*'] };
    expect(
      readApiAuthConfig({ KAIROS_API_AUTH: 'iam', KAIROS_IAM_CALLERS: JSON.stringify(callers) }),
    ).toEqual({
      mode: 'iam',
      iamCallers: callers,
    });
  });

  it.each([
    [{}, /Missing environment variable KAIROS_API_AUTH/],
    [{ KAIROS_API_AUTH: 'none' }, /KAIROS_API_AUTH must be one of local, iam, cognito/],
    [{ KAIROS_API_AUTH: 'iam' }, /Missing environment variable KAIROS_IAM_CALLERS/],
    [{ KAIROS_API_AUTH: 'iam', KAIROS_IAM_CALLERS: '{' }, /KAIROS_IAM_CALLERS is not JSON/],
    [{ KAIROS_API_AUTH: 'iam', KAIROS_IAM_CALLERS: '{"root":["*"]}' }, /names 'root'/],
    [{ KAIROS_API_AUTH: 'iam', KAIROS_IAM_CALLERS: '{"admin":"*"}' }, /list of ARN patterns/],
  ])('fails at cold start on %j, naming the variable', (env, message) => {
    expect(() => readApiAuthConfig(env)).toThrow(message);
  });
});
