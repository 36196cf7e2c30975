import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** One API Gateway response answered as problem+json, as every error of the API is (API.md "Errors"). */
interface ProblemResponse {
  readonly type: apigw.ResponseType;
  readonly id: string;
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  /** Fixed detail; `$context.error.messageString` (API Gateway's own message, already quoted) when absent. */
  readonly detail?: string;
}

/**
 * The answers API Gateway gives itself, before the handler runs. The contract says 401 for missing or invalid
 * credentials, so the SigV4 and token failures API Gateway reports as 403 become 401 (an unknown route also
 * surfaces as a missing token: API Gateway checks credentials first); a method the caller's IAM policy does not
 * allow stays 403.
 */
export const PROBLEM_RESPONSES: readonly ProblemResponse[] = [
  {
    type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    id: 'MissingCredentials',
    status: 401,
    slug: 'unauthorized',
    title: 'Unauthorized',
    detail: 'Send credentials (SigV4, or a Cognito ID token as Authorization), or check the method and path.',
  },
  ...[
    [apigw.ResponseType.UNAUTHORIZED, 'InvalidToken'],
    [apigw.ResponseType.INVALID_SIGNATURE, 'InvalidSignature'],
    [apigw.ResponseType.EXPIRED_TOKEN, 'ExpiredCredentials'],
  ].map(([type, id]) => ({
    type: type as apigw.ResponseType,
    id: id as string,
    status: 401,
    slug: 'unauthorized',
    title: 'Unauthorized',
  })),
  {
    type: apigw.ResponseType.ACCESS_DENIED,
    id: 'AccessDenied',
    status: 403,
    slug: 'forbidden',
    title: 'Forbidden',
  },
  {
    type: apigw.ResponseType.BAD_REQUEST_BODY,
    id: 'BadBody',
    status: 400,
    slug: 'validation',
    title: 'Bad Request',
    detail:
      'The body has an unknown or missing top-level field, or a field of the wrong JSON type; see GET /v1/openapi.json.',
  },
  {
    type: apigw.ResponseType.BAD_REQUEST_PARAMETERS,
    id: 'BadParameters',
    status: 400,
    slug: 'validation',
    title: 'Bad Request',
  },
  {
    type: apigw.ResponseType.REQUEST_TOO_LARGE,
    id: 'TooLarge',
    status: 413,
    slug: 'payload-too-large',
    title: 'Content Too Large',
  },
  {
    type: apigw.ResponseType.THROTTLED,
    id: 'Throttled',
    status: 429,
    slug: 'throttled',
    title: 'Too Many Requests',
  },
];

/** Adds {@link PROBLEM_RESPONSES} to `restApi`. */
export function addProblemResponses(restApi: apigw.RestApi): void {
  for (const response of PROBLEM_RESPONSES) {
    const detail =
      response.detail === undefined ? '$context.error.messageString' : JSON.stringify(response.detail);
    restApi.addGatewayResponse(response.id, {
      type: response.type,
      statusCode: String(response.status),
      responseHeaders: { 'Content-Type': "'application/problem+json'" },
      templates: {
        'application/json':
          `{"type":"urn:kairos:problem:${response.slug}","title":"${response.title}",` +
          `"status":${response.status},"detail":${detail}}`,
      },
    });
  }
}
