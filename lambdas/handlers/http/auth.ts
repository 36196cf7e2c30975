import { ForbiddenError, UnauthorizedError } from '../../core/errors.js';
import { hasRole, isRole, ROLES, type Role } from '../../core/roles.js';
import { type ApiAuthConfig, cognitoRoleOf, iamRoleOf, LOCAL_AUTH } from './callers.js';
import type { ApiEvent, Principal } from './types.js';

/** An authenticated caller; `role` is absent when Kairos knows who it is but not what it may do. */
export interface Caller {
  readonly id: string;
  readonly role: Role | undefined;
  /** Why the caller has no role, for the 403 answer. */
  readonly noRole?: string;
}

type Claims = Record<string, unknown>;

/**
 * The caller, from the request context API Gateway (or the local runtime) fills in; `undefined` when the
 * request carries no credentials the configured mode accepts. Only what API Gateway itself writes is read:
 * a client cannot set `requestContext`, so no header or body can claim a role (ADR 0014).
 */
export function callerOf(event: ApiEvent, auth: ApiAuthConfig = LOCAL_AUTH): Caller | undefined {
  const context = event.requestContext;
  const authorizer = context?.authorizer as Record<string, unknown> | null | undefined;
  switch (auth.mode) {
    case 'iam': {
      const arn = context?.identity?.userArn;
      if (!arn) return undefined;
      return {
        id: arn,
        role: iamRoleOf(arn, auth.iamCallers ?? {}),
        noRole:
          `The IAM principal '${arn}' has no Kairos role: call with a session of one of the stack's roles ` +
          '(outputs ViewerRoleArn, OperatorRoleArn, AdminRoleArn) or list it in kairos:iamPrincipals.',
      };
    }
    case 'cognito': {
      const claims = authorizer?.claims as Claims | undefined;
      if (!claims || typeof claims !== 'object') return undefined;
      const user = String(claims['cognito:username'] ?? claims.username ?? claims.sub ?? 'unknown');
      return {
        id: `cognito:${user}`,
        role: cognitoRoleOf(claims['cognito:groups']),
        noRole: `The user '${user}' is in none of the user pool groups ${ROLES.join(', ')}.`,
      };
    }
    case 'local':
      if (!authorizer || !isRole(authorizer.role)) return undefined;
      return { id: String(authorizer.principalId ?? 'unknown'), role: authorizer.role };
  }
}

/** The caller with a role, for routes that record who acted; `undefined` without one. */
export function principalOf(event: ApiEvent, auth: ApiAuthConfig = LOCAL_AUTH): Principal | undefined {
  const caller = callerOf(event, auth);
  return caller?.role ? { id: caller.id, role: caller.role } : undefined;
}

/**
 * Defence in depth: every route checks the caller's role although API Gateway already checked the IAM policy
 * or the token. 401 without credentials, 403 without a role or with a lower one than the route needs.
 */
export function authorize(
  event: ApiEvent,
  required: Role | 'public',
  auth: ApiAuthConfig = LOCAL_AUTH,
): Principal | undefined {
  if (required === 'public') return principalOf(event, auth);
  const caller = callerOf(event, auth);
  if (!caller) throw new UnauthorizedError('Credentials are required for this route.');
  if (!caller.role) throw new ForbiddenError(caller.noRole ?? 'The caller has no Kairos role.');
  if (!hasRole(caller.role, required)) {
    throw new ForbiddenError(`This route needs the '${required}' role; the caller has '${caller.role}'.`);
  }
  return { id: caller.id, role: caller.role };
}
