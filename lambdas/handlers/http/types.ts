import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Role } from '../../core/roles.js';

export type ApiEvent = APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyResult;

/** Who is calling, as established by API Gateway (IAM/Cognito) or the local runtime's token check. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
}
