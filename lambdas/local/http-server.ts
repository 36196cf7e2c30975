import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { problemResponse } from '../handlers/http/problem.js';
import { MAX_BODY_BYTES } from '../handlers/http/request.js';
import { matchRoute, toApiGatewayEvent } from './api-gateway-event.js';
import { principalIdOf, type TokenFile } from './tokens.js';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface ApiServerOptions {
  readonly handler: ApiHandler;
  readonly tokens: TokenFile;
}

/**
 * The local stand-in for API Gateway: authenticates bearer tokens (as an authorizer would), turns each request
 * into the REST API proxy event and hands it to the same handler the Lambda runs.
 */
export function createApiServer({ handler, tokens }: ApiServerOptions): Server {
  return createServer((req, res) => {
    serve(req, res, handler, tokens).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'ERROR', message: 'local server error', error: String(error) }));
      if (!res.headersSent) send(res, problem(500, 'The local server failed; see its log.'));
      else res.destroy();
    });
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: ApiHandler, tokens: TokenFile) {
  const body = await readBody(req);
  if (body === undefined) return send(res, problem(413, `The body exceeds ${MAX_BODY_BYTES} bytes.`));
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = matchRoute(req.method ?? 'GET', url.pathname);
  let authorizer: Record<string, string> | undefined;
  if (match?.route.role !== 'public') {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const role = token ? tokens.roleOf(token) : undefined;
    if (!token || !role) {
      return send(
        res,
        problem(401, 'Send a valid token: Authorization: Bearer <token> (see $KAIROS_HOME/token).'),
        {
          'www-authenticate': 'Bearer realm="kairos"',
        },
      );
    }
    authorizer = { principalId: principalIdOf(token, role), role };
  }
  const event = toApiGatewayEvent({ req, url, body, match, authorizer });
  const { requestId } = event.requestContext;
  const result = await handler(event, lambdaContext(requestId));
  // API Gateway names every answer's request id in this header; the audit log records the same id.
  send(res, result, { 'x-amzn-requestid': requestId });
}

/** Reads the body, or `undefined` once it passes the limit (the rest is drained so the reply can be read). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function problem(status: number, detail: string): APIGatewayProxyResult {
  const titles: Record<number, string> = {
    401: 'Unauthorized',
    413: 'Content Too Large',
    500: 'Internal Server Error',
  };
  const slug = { 401: 'unauthorized', 413: 'payload-too-large', 500: 'internal' }[status as 401 | 413 | 500];
  return problemResponse({ type: `urn:kairos:problem:${slug}`, title: titles[status], status, detail });
}

function send(res: ServerResponse, result: APIGatewayProxyResult, extra: Record<string, string> = {}) {
  const headers = { ...result.headers, ...extra } as Record<string, string | number | boolean>;
  const body = result.isBase64Encoded
    ? Buffer.from(result.body, 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': body.length });
  res.end(body);
}

function lambdaContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'kairos-api-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:kairos-api-local',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
