/**
 * The page as a deployed stack serves it (ADR 0016), in Chromium: under a stage path (`/prod/`), built and
 * answered by the same `GET /` route the API function runs. With Cognito the page signs in itself (password, then
 * the TOTP code) and sends the ID token to the API; with IAM it says how to reach it through `kairos dashboard`.
 * Cognito is faked at its real address by Playwright's request routing, and the API by a small server that
 * accepts only that ID token: nothing leaves the machine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../dashboard/build.js';
import { dashboardConfigOf } from '../../lambdas/handlers/dashboard-file.js';
import { type DashboardConfig, dashboardRoute } from '../../lambdas/handlers/http/dashboard-route.js';
import type { ApiEvent } from '../../lambdas/handlers/http/types.js';
import { launchChromium, screenshot, watchPage } from './support/browser.js';

const ID_TOKEN = 'eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const JOB = {
  jobId: 'job_cognito1',
  name: 'signed-in-job',
  schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
  target: { type: 'http', url: 'https://example.com/hook', method: 'POST' },
  status: 'ACTIVE',
  version: 1,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  nextRunAt: '2026-11-25T01:00:00.000Z',
  tags: { team: 'data' },
};

let browser: Browser;
let server: Server;
let origin: string;
let config: DashboardConfig;
const apiAuthorizations: string[] = [];

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The stage `prod`: `GET /prod/` is the page, `/prod/v1/*` a stand-in API that wants the Cognito ID token. */
async function serve(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/prod/' || path === '/prod') {
    const event = { path: '/', requestContext: { path } } as unknown as ApiEvent;
    const answer = await dashboardRoute({ config, page: buildDashboard })(event, undefined, () => undefined);
    res.writeHead(answer.statusCode, answer.headers as Record<string, string>);
    return res.end(answer.body);
  }
  apiAuthorizations.push(req.headers.authorization ?? '');
  if (req.headers.authorization !== ID_TOKEN)
    return send(res, 401, { message: 'Unauthorized' }, 'application/problem+json');
  if (path === '/prod/v1/me') return send(res, 200, { principal: 'cognito:alice', role: 'operator' });
  if (path === '/prod/v1/jobs') return send(res, 200, { items: [JOB], nextCursor: null });
  if (path === `/prod/v1/jobs/${JOB.jobId}/status`)
    return send(res, 200, { jobId: JOB.jobId, latestRun: null });
  return send(res, 404, {
    type: 'urn:kairos:problem:not-found',
    title: 'Not Found',
    status: 404,
    detail: path,
  });
}

/** Cognito's two calls, as the user pool would answer alice (password, then TOTP 123456). */
async function fakeCognito(route: Route) {
  const request = route.request();
  const cors = {
    'access-control-allow-origin': origin,
    'access-control-allow-headers': 'content-type, x-amz-target',
    'access-control-allow-methods': 'POST',
  };
  if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
  const target = request.headers()['x-amz-target'];
  const body = request.postDataJSON();
  const reply = (status: number, json: unknown) =>
    route.fulfill({
      status,
      headers: { ...cors, 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(json),
    });
  if (target === 'AWSCognitoIdentityProviderService.InitiateAuth') {
    expect(body).toMatchObject({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'client-dash' });
    if (body.AuthParameters.USERNAME !== 'alice' || body.AuthParameters.PASSWORD !== 'Correct-Horse-9!')
      return reply(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    return reply(200, { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'session-1' });
  }
  if (target === 'AWSCognitoIdentityProviderService.RespondToAuthChallenge') {
    expect(body).toMatchObject({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'session-1' });
    if (body.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE !== '123456')
      return reply(400, { __type: 'CodeMismatchException', message: 'Invalid code received for user' });
    return reply(200, {
      AuthenticationResult: { IdToken: ID_TOKEN, RefreshToken: 'refresh-1', ExpiresIn: 3600 },
    });
  }
  return reply(400, { __type: 'InvalidAction', message: String(target) });
}

beforeAll(async () => {
  browser = await launchChromium();
  server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

describe('the dashboard of a deployed stack', () => {
  it('with Cognito: signs in with password and TOTP code, then calls the API with the ID token', async () => {
    config = dashboardConfigOf({
      KAIROS_API_AUTH: 'cognito',
      KAIROS_DASHBOARD_CLIENT_ID: 'client-dash',
      AWS_REGION: 'eu-west-1',
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchPage(page, origin);
    await page.route('https://cognito-idp.eu-west-1.amazonaws.com/**', fakeCognito);
    await page.goto(`${origin}/prod/`);
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Incorrect username or password.').waitFor();
    await page.getByLabel('Password').fill('Correct-Horse-9!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code').fill('123456');
    await screenshot(page, 'cognito-code');
    await page.getByRole('button', { name: /verify|sign in|continue/i }).click();
    await page.locator(`tr[data-job-id="${JOB.jobId}"]`).waitFor();
    expect(apiAuthorizations.filter((a) => a === ID_TOKEN).length).toBeGreaterThan(0);
    expect(apiAuthorizations.filter((a) => a !== ID_TOKEN)).toEqual([]); // nothing was sent unsigned
    const cognitoCalls = problems.filter((p) => p.includes('cognito-idp.eu-west-1.amazonaws.com'));
    expect(problems.filter((p) => !cognitoCalls.includes(p))).toEqual([]);
    await page.close();
  });

  it('with IAM: says a browser cannot sign and names the kairos dashboard command for this API', async () => {
    config = dashboardConfigOf({ KAIROS_API_AUTH: 'iam', AWS_REGION: 'eu-west-1' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchPage(page, origin);
    await page.goto(`${origin}/prod/`);
    await page.getByText('which a browser cannot sign').waitFor();
    await expect(page.locator('pre').textContent()).resolves.toBe(
      `kairos dashboard --endpoint ${origin}/prod`,
    );
    await screenshot(page, 'iam-notice');
    expect(problems).toEqual([]);
    await page.close();
  });
});
