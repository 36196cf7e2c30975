import type { DashboardSource } from '../handlers/http/dashboard-route.js';

/**
 * The local runtime's dashboard: built in memory by esbuild from `dashboard/` on the first `GET /` (a fraction of a
 * second), so `npm start` needs no build step and always serves the page of the code it runs. Signed in with a
 * local bearer token.
 */
export function localDashboard(): DashboardSource {
  return {
    config: { auth: 'token' },
    async page() {
      // Imported lazily: esbuild is needed only when someone opens the page.
      const { buildDashboard } = await import('../../dashboard/build.js');
      return buildDashboard();
    },
  };
}
