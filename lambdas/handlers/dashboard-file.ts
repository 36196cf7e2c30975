import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DashboardConfig, DashboardPage, DashboardSource } from './http/dashboard-route.js';

/** File the CDK bundling writes next to the API function's code (`dashboard/build.ts --out`). */
export const DASHBOARD_FILE = 'dashboard.json';

/**
 * The deployed API's dashboard: the page built at `cdk deploy` time, read from the function's code directory on
 * the first `GET /`. With Cognito the page signs users in itself; with IAM it explains how to reach it through
 * `kairos dashboard`, since a browser cannot sign SigV4 requests.
 */
export function deployedDashboard(env: NodeJS.ProcessEnv): DashboardSource {
  return {
    config: dashboardConfigOf(env),
    async page() {
      const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
      const text = await readFile(join(root, DASHBOARD_FILE), 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as DashboardPage);
    },
  };
}

export function dashboardConfigOf(env: NodeJS.ProcessEnv): DashboardConfig {
  const clientId = env.KAIROS_DASHBOARD_CLIENT_ID;
  const region = env.AWS_REGION;
  if (env.KAIROS_API_AUTH === 'cognito' && clientId && region)
    return { auth: 'cognito', cognito: { region, clientId } };
  return { auth: 'iam' };
}
