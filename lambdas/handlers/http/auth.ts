import { ForbiddenError, UnauthorizedError } from '../../core/errors.js';
import { hasRole, isRole, type Role } from '../../core/roles.js';
import type { ApiEvent, Principal } from './types.js';

/**
 * The caller, from the request context API Gateway fills in:
 * - a Lambda/Cognito-style authorizer context with `role` (the local runtime's token check sets this);
 * - otherwise an IAM (SigV4) caller. API Gateway has already checked its IAM policy against the method ARN,
 *   so it is treated as admin here until the role policies of the production stack land (ADR 0002).
 */
export function principalOf(event: ApiEvent): Principal | undefined {
  const authorizer = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  if (authorizer && isRole(authorizer.role)) {
    return { id: String(authorizer.principalId ?? 'unknown'), role: authorizer.role };
  }
  const iamCaller = event.requestContext?.identity?.userArn;
  if (iamCaller) return { id: iamCaller, role: 'admin' };
  return undefined;
}

/** Defence in depth: every route checks the caller's role even behind an authorizer. */
export function authorize(event: ApiEvent, required: Role | 'public'): Principal | undefined {
  if (required === 'public') return principalOf(event);
  const principal = principalOf(event);
  if (!principal) throw new UnauthorizedError('Credentials are required for this route.');
  if (!hasRole(principal.role, required)) {
    throw new ForbiddenError(`This route needs the '${required}' role; the caller has '${principal.role}'.`);
  }
  return principal;
}
