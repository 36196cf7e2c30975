/** Hash routes (API-relative paths stay free for the API): `#/jobs`, `#/jobs/<id>`, `#/runs/<id>`, `#/sla`, `#/overview`. */
export type Route =
  | { readonly page: 'jobs' }
  | { readonly page: 'job'; readonly jobId: string }
  | { readonly page: 'run'; readonly runId: string }
  | { readonly page: 'sla' }
  | { readonly page: 'overview' }
  | { readonly page: 'notFound'; readonly path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/[?].*$/, '');
  if (path === '' || path === '/' || path === '/jobs') return { page: 'jobs' };
  if (path === '/sla') return { page: 'sla' };
  if (path === '/overview') return { page: 'overview' };
  const match = /^\/(jobs|runs)\/([^/]+)$/.exec(path);
  if (match) {
    let id: string;
    try {
      id = decodeURIComponent(match[2]);
    } catch {
      return { page: 'notFound', path };
    }
    return match[1] === 'jobs' ? { page: 'job', jobId: id } : { page: 'run', runId: id };
  }
  return { page: 'notFound', path };
}

export const hrefs = {
  jobs: () => '#/jobs',
  job: (jobId: string) => `#/jobs/${encodeURIComponent(jobId)}`,
  run: (runId: string) => `#/runs/${encodeURIComponent(runId)}`,
  sla: () => '#/sla',
  overview: () => '#/overview',
};

/** Which top navigation entry a route belongs to. */
export function sectionOf(route: Route): 'jobs' | 'sla' | 'overview' | undefined {
  if (route.page === 'jobs' || route.page === 'job' || route.page === 'run') return 'jobs';
  if (route.page === 'sla' || route.page === 'overview') return route.page;
  return undefined;
}
