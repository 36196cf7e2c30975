import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AuditSubject } from '../../core/audit.js';
import type { Role } from '../../core/roles.js';

export type ApiEvent = APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyResult;

/** Who is calling, as established by API Gateway (IAM/Cognito) or the local runtime's token check. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
}

/** Tells the audit log what a mutating route changed: once per subject (a batch create, once per job). */
export type AuditNote = (subject: AuditSubject) => void;
