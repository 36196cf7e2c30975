/**
 * Jobs: every job with its schedule in words, status, last run and next run; server-side status and tag
 * filters, a search over the page shown; pause / resume / run now for operators. Rows are keyed by job id and
 * updated in place every 5 s, so a refresh neither moves focus nor resets a busy button.
 */
import type { Job, Page, Run } from '../api-types.js';
import type { PageContext } from '../context.js';
import { fill, h } from '../dom.js';
import { formatTags } from '../format.js';
import { matchesSearch, scheduleText } from '../model.js';
import { hrefs } from '../routes.js';
import { actionButton, emptyState, errorBox, loading, statusBadge, timeView } from '../ui.js';

const PAGE_SIZE = 50;
const REFRESH_MS = 5000;

/** Filters survive leaving the page and coming back (not a reload). */
const filters = { search: '', status: '', tag: '' };

interface RowView {
  readonly tr: HTMLTableRowElement;
  update(job: Job, latest: Run | null | undefined): void;
}

/** Runs `fn` over `items` with at most `limit` calls in flight (a page's 50 status calls). */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function jobsPage(ctx: PageContext): HTMLElement {
  const rows = new Map<string, RowView>();
  const latest = new Map<string, Run | null>();
  let jobs: readonly Job[] = [];
  let nextCursor: string | null = null;
  const cursors: (string | undefined)[] = [undefined]; // cursor of each page visited, for "Previous"
  let loaded = false;

  const count = h('span', { class: 'muted', 'aria-live': 'polite' }, '');
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'table jobs-table' },
    h('caption', { class: 'sr-only' }, 'Jobs'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Name', 'Schedule', 'Status', 'Last run', 'Next run', 'Tags', 'Actions'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    tbody,
  );
  const message = h('div', { class: 'message' }, loading('jobs'));
  const prev = h('button', { type: 'button', class: 'btn' }, '← Previous');
  const next = h('button', { type: 'button', class: 'btn' }, 'Next →');
  const pager = h('div', { class: 'pager' }, prev, next);

  const search = h('input', {
    type: 'search',
    name: 'search',
    placeholder: 'Name, id, schedule or tag',
    value: filters.search,
    'aria-describedby': 'search-note',
  });
  const status = h(
    'select',
    { name: 'status' },
    [
      ['', 'Active and paused'],
      ['ACTIVE', 'Active'],
      ['PAUSED', 'Paused'],
      ['DELETED', 'Deleted'],
    ].map(([value, label]) => h('option', { value, selected: value === filters.status }, label)),
  );
  const tag = h('input', { type: 'text', name: 'tag', placeholder: 'team:data', value: filters.tag });
  const tagProblem = h('span', { class: 'field-problem', role: 'alert' });

  function row(job: Job): RowView {
    const cells = Array.from({ length: 7 }, () => h('td'));
    const tr = h('tr', { 'data-job-id': job.jobId }, cells);
    let shownStatus: string | undefined;
    return {
      tr,
      update(job, run) {
        fill(
          cells[0],
          h('a', { href: hrefs.job(job.jobId), class: 'strong' }, job.name),
          h('div', { class: 'muted mono small' }, job.jobId),
        );
        fill(cells[1], scheduleText(job));
        fill(cells[2], statusBadge(job.status));
        fill(
          cells[3],
          run === undefined
            ? h('span', { class: 'muted' }, '…')
            : run === null
              ? h('span', { class: 'muted' }, 'No runs yet')
              : h(
                  'a',
                  { href: hrefs.run(run.runId), class: 'plain' },
                  statusBadge(run.status),
                  ' ',
                  timeView(run.endedAt ?? run.startedAt ?? run.scheduledFor, Date.now()),
                ),
        );
        fill(
          cells[4],
          job.status === 'ACTIVE'
            ? timeView(job.nextRunAt, Date.now())
            : h('span', { class: 'muted' }, job.status === 'PAUSED' ? 'Paused' : '—'),
        );
        fill(
          cells[5],
          formatTags(job.tags).map((t) => h('span', { class: 'tag' }, t)),
        );
        // The buttons are rebuilt only when the status changes, so one being clicked is not replaced mid-call.
        if (shownStatus !== job.status) {
          shownStatus = job.status;
          fill(cells[6], actions(job));
        }
      },
    };
  }

  function actions(job: Job): HTMLElement | string {
    if (job.status === 'DELETED') return '';
    const toggle =
      job.status === 'PAUSED'
        ? actionButton(ctx, 'Resume', async () => {
            const updated = await ctx.api.post<Job>(`v1/jobs/${encodeURIComponent(job.jobId)}/resume`);
            replace(updated);
            ctx.notify(`Resumed ${updated.name}.`);
          })
        : actionButton(ctx, 'Pause', async () => {
            const updated = await ctx.api.post<Job>(`v1/jobs/${encodeURIComponent(job.jobId)}/pause`);
            replace(updated);
            ctx.notify(`Paused ${updated.name}.`);
          });
    const runNow = actionButton(
      ctx,
      'Run now',
      async () => {
        const run = await ctx.api.post<Run>(`v1/jobs/${encodeURIComponent(job.jobId)}/runs`);
        latest.set(job.jobId, run);
        render();
        ctx.notify(`Run ${run.runId} of ${job.name} is ${run.status.toLowerCase()}.`);
      },
      { kind: 'primary' },
    );
    return h('div', { class: 'actions' }, toggle, runNow);
  }

  /** A job changed by an action: shown at once, without waiting for the next refresh. */
  function replace(updated: Job) {
    jobs = jobs.map((j) => (j.jobId === updated.jobId ? { ...j, ...updated } : j));
    render();
  }

  function render() {
    const shown = jobs.filter((job) => matchesSearch(job, filters.search));
    const keep = new Set(shown.map((j) => j.jobId));
    for (const id of rows.keys()) if (!keep.has(id)) rows.delete(id);
    const ordered = shown.map((job) => {
      const view = rows.get(job.jobId) ?? row(job);
      rows.set(job.jobId, view);
      view.update(job, latest.has(job.jobId) ? latest.get(job.jobId) : undefined);
      return view.tr;
    });
    // Re-appending rows already in place is skipped, so focus inside them is kept.
    ordered.forEach((tr, i) => {
      if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
    });
    while (tbody.children.length > ordered.length) tbody.lastElementChild!.remove();

    table.hidden = shown.length === 0;
    count.textContent = loaded && jobs.length > 0 ? `${shown.length} of ${jobs.length} on this page` : '';
    prev.hidden = cursors.length <= 1;
    next.hidden = !nextCursor;
    pager.hidden = prev.hidden && next.hidden;
    if (!loaded) return;
    const filtered = filters.search || filters.status || filters.tag;
    if (shown.length > 0) fill(message);
    else if (filtered) {
      const clear = h('button', { type: 'button', class: 'btn' }, 'Clear filters');
      clear.addEventListener('click', () => {
        Object.assign(filters, { search: '', status: '', tag: '' });
        search.value = '';
        status.value = '';
        tag.value = '';
        reload(true);
      });
      fill(
        message,
        emptyState('No jobs match these filters.', 'Change the search, status or tag, or ', clear),
      );
    } else {
      fill(
        message,
        emptyState(
          'No jobs yet.',
          'Create one with ',
          h('code', null, 'POST /v1/jobs'),
          ' (the README walk-through has a curl example); it shows up here within 5 seconds.',
        ),
      );
    }
  }

  async function loadStatuses(list: readonly Job[]) {
    await mapLimited(list, 8, async (job) => {
      try {
        const res = await ctx.api.get<{ latestRun: Run | null }>(
          `v1/jobs/${encodeURIComponent(job.jobId)}/status`,
        );
        latest.set(job.jobId, res.latestRun ?? null);
      } catch {
        // One job's status failing (deleted meanwhile) must not blank the table; its cell keeps the last value.
      }
    });
  }

  async function refresh() {
    const tagValue = filters.tag.trim();
    if (tagValue && !/^[^:]+:.*$/.test(tagValue)) {
      tagProblem.textContent = 'Write the tag as key:value';
      return;
    }
    tagProblem.textContent = '';
    try {
      const page = await ctx.api.get<Page<Job>>('v1/jobs', {
        limit: PAGE_SIZE,
        status: filters.status,
        tag: tagValue,
        cursor: cursors[cursors.length - 1],
      });
      if (ctx.scope.disposed) return;
      jobs = page.items;
      nextCursor = page.nextCursor;
      loaded = true;
      render();
      await loadStatuses(jobs);
      if (!ctx.scope.disposed) render();
    } catch (error) {
      if (ctx.scope.disposed) return;
      loaded = false;
      table.hidden = jobs.length === 0;
      fill(message, errorBox(error, 'Could not load the jobs.', ctx.me?.role));
    }
  }

  let searchTimer: number | undefined;
  search.addEventListener('input', () => {
    filters.search = search.value;
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(render, 150);
  });
  status.addEventListener('change', () => {
    filters.status = status.value;
    reload(true);
  });
  tag.addEventListener('change', () => {
    filters.tag = tag.value;
    reload(true);
  });
  prev.addEventListener('click', () => {
    cursors.pop();
    reload(false);
  });
  next.addEventListener('click', () => {
    if (nextCursor) cursors.push(nextCursor);
    reload(false);
  });

  // Every load goes through the loop (the first at once), so a filter change never races a refresh.
  const poller = ctx.scope.poll(refresh, REFRESH_MS);
  function reload(firstPage: boolean) {
    if (firstPage) cursors.splice(1);
    poller.now();
  }
  poller.now();

  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Jobs'), count),
    h(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e: Event) => e.preventDefault() },
      h('label', null, 'Search', search),
      h('label', null, 'Status', status),
      h('label', null, 'Tag', tag),
    ),
    tagProblem,
    h(
      'p',
      { id: 'search-note', class: 'muted small' },
      'Search filters the jobs on this page; status and tag filters ask the API.',
    ),
    message,
    h('div', { class: 'table-wrap' }, table),
    pager,
  );
}
