import { requireEnv } from '../../config.js';
import { isRole, ROLES, type Role } from '../../core/roles.js';

/**
 * Where the API learns who calls (ADR 0014):
 * - `local`: the local runtime's token check puts `{ principalId, role }` in the authorizer context;
 * - `iam`: API Gateway checked the SigV4 caller's IAM policy; its ARN is matched against `iamCallers`;
 * - `cognito`: a Cognito user pool authorizer passes the ID token's claims; `cognito:groups` names the roles.
 */
export type ApiAuthMode = 'local' | 'iam' | 'cognito';

/** IAM caller ARN patterns (`*` and `?` wildcards, as in IAM) that carry each role. */
export type IamCallerPatterns = Readonly<Partial<Record<Role, readonly string[]>>>;

/** How the API handler identifies callers. */
export interface ApiAuthConfig {
  readonly mode: ApiAuthMode;
  /** Used in `iam` mode. @default {} - no IAM caller has a role */
  readonly iamCallers?: IamCallerPatterns;
}

export const LOCAL_AUTH: ApiAuthConfig = { mode: 'local' };

const MODES: readonly ApiAuthMode[] = ['local', 'iam', 'cognito'];

/**
 * Reads `KAIROS_API_AUTH` (`iam` | `cognito`) and, for `iam`, `KAIROS_IAM_CALLERS` (JSON `{ "<role>": [patterns] }`),
 * failing with the variable's name so a misconfigured stack fails at cold start instead of letting callers in.
 */
export function readApiAuthConfig(env: NodeJS.ProcessEnv): ApiAuthConfig {
  const mode = requireEnv(env, 'KAIROS_API_AUTH');
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new Error(`KAIROS_API_AUTH must be one of ${MODES.join(', ')}, got '${mode}'`, {
      cause: { package: 'kairos/api-auth' },
    });
  }
  if (mode !== 'iam') return { mode: mode as ApiAuthMode };
  return { mode, iamCallers: parseIamCallers(requireEnv(env, 'KAIROS_IAM_CALLERS')) };
}

function parseIamCallers(text: string): IamCallerPatterns {
  const problem = (detail: string) =>
    new Error(`KAIROS_IAM_CALLERS ${detail}`, { cause: { package: 'kairos/api-auth' } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw problem(`is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw problem('must be a JSON object of role → list of ARN patterns');
  }
  const out: Partial<Record<Role, string[]>> = {};
  for (const [role, patterns] of Object.entries(parsed)) {
    if (!isRole(role)) throw problem(`names '${role}', which is not one of ${ROLES.join(', ')}`);
    if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string' && p.length > 0)) {
      throw problem(`must map '${role}' to a list of ARN patterns`);
    }
    out[role] = patterns;
  }
  return out;
}

/** IAM-style wildcard match: `*` any run of characters, `?` one character, everything else literal. */
export function arnMatches(pattern: string, arn: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(arn);
}

/** The highest role one of whose patterns matches the caller's ARN (`requestContext.identity.userArn`). */
export function iamRoleOf(callerArn: string, patterns: IamCallerPatterns): Role | undefined {
  return [...ROLES]
    .reverse()
    .find((role) => (patterns[role] ?? []).some((pattern) => arnMatches(pattern, callerArn)));
}

/**
 * The highest role among the caller's Cognito groups. API Gateway passes every claim as a string: a REST API
 * sends `cognito:groups` comma-separated (`"viewer,admin"`); a bracketed, space-separated list and a real array
 * are accepted too, so the mapping does not depend on how the claim is flattened.
 */
export function cognitoRoleOf(groups: unknown): Role | undefined {
  const names = Array.isArray(groups)
    ? groups.map(String)
    : typeof groups === 'string'
      ? groups
          .replace(/^\s*\[|\]\s*$/g, '')
          .split(/[\s,]+/)
          .filter((name) => name.length > 0)
      : [];
  return [...ROLES].reverse().find((role) => names.includes(role));
}
