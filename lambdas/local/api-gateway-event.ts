import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTES, type RouteDefinition } from '../handlers/routes.js';

export interface MatchedRoute {
  readonly route: RouteDefinition;
  /** URL-decoded, as API Gateway passes them. */
  readonly pathParameters: Record<string, string>;
}

/** Matches a request path against the route table the way API Gateway matches its resources. */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  const parts = path.split('/');
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const template = route.path.split('/');
    if (template.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = template.every((segment, i) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment === parts[i];
      if (parts[i] === '') return false;
      params[param[1]] = safeDecode(parts[i]);
      return true;
    });
    if (ok) return { route, pathParameters: params };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    // API Gateway passes an undecodable segment through as is; so do we.
    if (error instanceof URIError) return value;
    throw error;
  }
}

export interface EventInput {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly body: string;
  readonly match: MatchedRoute | undefined;
  readonly authorizer: Record<string, string> | undefined;
}

/** Builds the REST API (v1) proxy event API Gateway would send for this request. */
export function toApiGatewayEvent({ req, url, body, match, authorizer }: EventInput): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  const method = req.method ?? 'GET';
  return {
    httpMethod: method,
    path: url.pathname,
    resource: match?.route.path ?? url.pathname,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: match && Object.keys(match.pathParameters).length > 0 ? match.pathParameters : null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: authorizer ?? null,
      httpMethod: method,
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: match?.route.path ?? url.pathname,
      stage: 'local',
      identity: localIdentity(
        req.socket.remoteAddress ?? '127.0.0.1',
        headers['user-agent'] ?? headers['User-Agent'],
      ),
    },
  } as APIGatewayProxyEvent;
}

function localIdentity(sourceIp: string, userAgent: string | undefined) {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent: userAgent ?? null,
    userArn: null,
  };
}
