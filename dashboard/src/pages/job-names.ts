/**
 * Job names for pages that list job ids (SLA misses, failures): each job is read once per page and kept, so a
 * 5-second refresh does not re-read the same jobs.
 */
import type { ApiClient } from '../api.js';
import type { Job } from '../api-types.js';

export function jobNames(api: ApiClient) {
  const names = new Map<string, Promise<string | undefined>>();
  return {
    async resolve(ids: Iterable<string>): Promise<Map<string, string>> {
      const wanted = [...new Set(ids)];
      for (const id of wanted) {
        if (!names.has(id)) {
          names.set(
            id,
            api
              .get<Job>(`v1/jobs/${encodeURIComponent(id)}`)
              .then((job) => job.name)
              .catch(() => undefined),
          );
        }
      }
      const out = new Map<string, string>();
      for (const id of wanted) {
        const name = await names.get(id);
        if (name) out.set(id, name);
      }
      return out;
    },
  };
}
