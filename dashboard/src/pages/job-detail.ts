/**
 * One job: its definition, the next 10 fire times (DST days flagged), its run history and its SLA record.
 * Refreshed every 5 s (the SLA report, which walks every job's runs, every 30 s).
 */
import type { Job, Page, Run, SlaReport } from '../api-types.js';
import type { PageContext } from '../context.js';
import { type Child, fill, h } from '../dom.js';
import {
  describeTarget,
  elapsedMs,
  formatCompliance,
  formatDuration,
  formatTags,
  formatUtc,
} from '../format.js';
import { dagGraph } from '../graph/view.js';
import { fireTimeRows, scheduleText, zoneOf } from '../model.js';
import { hrefs } from '../routes.js';
import { isTerminal } from '../status.js';
import {
  actionButton,
  emptyState,
  errorBox,
  facts,
  jsonBlock,
  loading,
  section,
  statusBadge,
  timeView,
} from '../ui.js';

const REFRESH_MS = 5000;
/** While one of its runs is unfinished the page follows it as closely as the run page does. */
const ACTIVE_REFRESH_MS = 1000;
const SLA_EVERY_MS = 30_000;

export function jobDetailPage(ctx: PageContext, jobId: string): HTMLElement {
  const path = `v1/jobs/${encodeURIComponent(jobId)}`;
  const title = h('h1', { tabindex: -1 }, jobId);
  const headBadge = h('span');
  const headActions = h('div', { class: 'actions' });
  const body = h('div', { class: 'stack' }, loading('the job'));
  const definition = h('div');
  const fireTimes = h('div', null, loading('fire times'));
  const history = h('div', null, loading('runs'));
  const sla = h('div', null, loading('the SLA record'));
  let runLimit = 20;
  let slaReadAt = 0;
  let activeRuns = false;
  let endedRuns = -1;
  let shownVersion = -1;
  let shownStatus = '';
  let builtLayout = false;

  async function refresh() {
    let job: Job;
    try {
      job = await ctx.api.get<Job>(path);
    } catch (error) {
      if (!ctx.scope.disposed)
        fill(
          body,
          errorBox(error, `Could not load job ${jobId}.`, ctx.me?.role),
          h('p', null, h('a', { href: hrefs.jobs() }, '← All jobs')),
        );
      builtLayout = false;
      shownVersion = -1;
      body.classList.remove('two-up');
      return;
    }
    if (ctx.scope.disposed) return;
    title.textContent = job.name;
    document.title = `${job.name} · Kairos`;
    fill(headBadge, statusBadge(job.status));
    if (job.status !== shownStatus) {
      shownStatus = job.status;
      fill(headActions, actions(job));
    }
    if (!builtLayout) {
      builtLayout = true;
      body.classList.add('two-up');
      fill(
        body,
        section('Definition', definition),
        section('Next 10 fire times', fireTimes),
        wide(section('Run history', history)),
        wide(section('SLA', sla)),
      );
    }
    if (job.version !== shownVersion) {
      shownVersion = job.version;
      fill(definition, definitionView(job));
    }
    const loads: Promise<void>[] = [loadFireTimes(job), loadHistory()];
    if (Date.now() - slaReadAt >= SLA_EVERY_MS) {
      slaReadAt = Date.now();
      loads.push(loadSla(job));
    }
    await Promise.all(loads);
  }

  function actions(job: Job): Child {
    if (job.status === 'DELETED') return null;
    const toggle =
      job.status === 'PAUSED'
        ? actionButton(ctx, 'Resume', async () => {
            await ctx.api.post<Job>(`${path}/resume`);
            ctx.notify(`Resumed ${job.name}.`);
            poller.now();
          })
        : actionButton(ctx, 'Pause', async () => {
            await ctx.api.post<Job>(`${path}/pause`);
            ctx.notify(`Paused ${job.name}.`);
            poller.now();
          });
    const runNow = actionButton(
      ctx,
      'Run now',
      async () => {
        const run = await ctx.api.post<Run>(`${path}/runs`);
        ctx.notify(`Run ${run.runId} is ${run.status.toLowerCase()}.`);
        poller.now();
      },
      { kind: 'primary' },
    );
    return [toggle, runNow];
  }

  async function loadFireTimes(job: Job) {
    try {
      const { times } = await ctx.api.get<{ times: string[] }>(`${path}/preview`, { count: 10 });
      if (ctx.scope.disposed) return;
      fill(fireTimes, fireTimesView(job, times));
    } catch (error) {
      if (!ctx.scope.disposed)
        fill(fireTimes, errorBox(error, 'Could not load the fire times.', ctx.me?.role));
    }
  }

  async function loadHistory() {
    try {
      const page = await ctx.api.get<Page<Run>>(`${path}/runs`, { limit: runLimit });
      if (ctx.scope.disposed) return;
      activeRuns = page.items.some((run) => !isTerminal(run.status));
      // A run that ended changes the SLA record: read it on this refresh rather than up to 30 s later.
      const ended = page.items.filter((run) => isTerminal(run.status)).length;
      if (ended !== endedRuns) {
        if (endedRuns >= 0) slaReadAt = 0;
        endedRuns = ended;
      }
      fill(history, historyView(page));
    } catch (error) {
      if (!ctx.scope.disposed)
        fill(history, errorBox(error, 'Could not load the run history.', ctx.me?.role));
    }
  }

  async function loadSla(job: Job) {
    try {
      const report = await ctx.api.get<SlaReport>('v1/sla');
      if (!ctx.scope.disposed) fill(sla, slaView(job, report));
    } catch (error) {
      if (!ctx.scope.disposed) fill(sla, errorBox(error, 'Could not load the SLA record.', ctx.me?.role));
    }
  }

  function historyView(page: Page<Run>): Child {
    if (page.items.length === 0) {
      return emptyState(
        'No runs yet.',
        'Runs appear at the next fire time; operators can start one now with “Run now”.',
      );
    }
    const now = Date.now();
    const more = h('button', { type: 'button', class: 'btn' }, 'Show more runs');
    more.addEventListener('click', () => {
      runLimit = Math.min(100, runLimit + 20);
      poller.now();
    });
    return [
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'sr-only' }, 'Run history, newest first'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Scheduled for', 'Status', 'Trigger', 'Attempt', 'Started', 'Duration', 'SLA'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            page.items.map((run) => {
              const elapsed = elapsedMs(run, now);
              return h(
                'tr',
                { 'data-run-id': run.runId },
                h(
                  'td',
                  null,
                  h('a', { href: hrefs.run(run.runId) }, formatUtc(run.scheduledFor, { seconds: true })),
                ),
                h('td', null, statusBadge(run.status)),
                h('td', null, run.trigger),
                h('td', null, `${run.attempt} of ${run.maxAttempts}`),
                h('td', null, timeView(run.startedAt, now, { seconds: true })),
                h('td', null, elapsed === undefined ? '—' : formatDuration(elapsed)),
                h(
                  'td',
                  null,
                  run.slaMissed
                    ? h('span', { class: 'badge tone-bad' }, 'Missed')
                    : h('span', { class: 'muted' }, 'Met or none'),
                ),
              );
            }),
          ),
        ),
      ),
      page.nextCursor && runLimit < 100 ? h('div', { class: 'pager' }, more) : null,
      page.nextCursor && runLimit >= 100
        ? h(
            'p',
            { class: 'muted small' },
            'The 100 newest runs are shown; older ones are in the API (GET /v1/jobs/{id}/runs with cursor).',
          )
        : null,
    ];
  }

  const poller = ctx.scope.poll(refresh, () => (activeRuns ? ACTIVE_REFRESH_MS : REFRESH_MS));
  poller.now();

  return h(
    'div',
    { class: 'page' },
    h('p', { class: 'crumbs' }, h('a', { href: hrefs.jobs() }, 'Jobs'), ' / '),
    h('div', { class: 'page-head' }, title, headBadge, headActions),
    body,
  );
}

/** Each task's target in a few words, the second line of its box in the definition's graph. */
function targetOf(tasks: NonNullable<Job['tasks']>): (taskId: string) => string {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return (id) => describeTarget(byId.get(id)?.target);
}

/** A section spanning both columns of the wide layout. */
function wide(el: HTMLElement): HTMLElement {
  el.classList.add('wide');
  return el;
}

function definitionView(job: Job): Child {
  const rows: [string, Child][] = [
    ['Job id', h('code', null, job.jobId)],
    ['Schedule', scheduleText(job)],
    [
      'Next run',
      job.status === 'ACTIVE'
        ? timeView(job.nextRunAt, Date.now())
        : job.status === 'PAUSED'
          ? 'Paused'
          : '—',
    ],
    job.tasks ? ['Tasks', `${job.tasks.length} (DAG)`] : ['Target', describeTarget(job.target)],
    ['Retry', retryText(job.retry?.maxAttempts)],
    ['Timeout', job.timeoutSeconds ? formatDuration(job.timeoutSeconds * 1000) : '1 h (default)'],
    ['SLA', job.sla ? slaText(job.sla) : 'none'],
    [
      'Concurrency',
      job.concurrency
        ? `max ${job.concurrency.max ?? 1}, overlap ${job.concurrency.overlap ?? 'skip'}`
        : 'max 1, overlap skip (default)',
    ],
    ['Priority', job.priority ?? 'normal'],
    [
      'Tags',
      job.tags && Object.keys(job.tags).length > 0
        ? formatTags(job.tags).map((t) => h('span', { class: 'tag' }, t))
        : 'none',
    ],
    ['Version', String(job.version)],
    ['Created', timeView(job.createdAt, Date.now())],
    ['Updated', timeView(job.updatedAt, Date.now())],
  ];
  if (job.description) rows.unshift(['Description', job.description]);
  const {
    jobId: _id,
    status: _s,
    version: _v,
    createdAt: _c,
    updatedAt: _u,
    nextRunAt: _n,
    ...definition
  } = job;
  return [
    facts(rows),
    job.tasks
      ? h(
          'div',
          { class: 'graph-static' },
          dagGraph(job.tasks, { label: `Tasks of ${job.name}`, caption: targetOf(job.tasks) }).el,
        )
      : null,
    h('details', null, h('summary', null, 'Definition as JSON'), jsonBlock(definition)),
  ];
}

function retryText(maxAttempts: number | undefined): string {
  if (maxAttempts === undefined) return 'default';
  return maxAttempts === 1 ? '1 attempt, no retries' : `up to ${maxAttempts} attempts`;
}

function slaText(sla: NonNullable<Job['sla']>): string {
  const parts: string[] = [];
  if (sla.startWithinSeconds !== undefined)
    parts.push(`start within ${formatDuration(sla.startWithinSeconds * 1000)}`);
  if (sla.finishWithinSeconds !== undefined)
    parts.push(`finish within ${formatDuration(sla.finishWithinSeconds * 1000)}`);
  return parts.join(', ') || 'none';
}

export function fireTimesView(job: Job, times: readonly string[]): Child {
  if (times.length === 0) {
    return emptyState(
      'No upcoming fire times.',
      job.schedule.type === 'immediate' || job.schedule.type === 'at'
        ? 'This job runs once; its run is in the history below.'
        : 'The schedule has ended (endAt) or the job is deleted.',
    );
  }
  const zone = zoneOf(job);
  return [
    job.status === 'PAUSED'
      ? h('p', { class: 'note' }, 'The job is paused: these slots are skipped until it is resumed.')
      : null,
    h(
      'table',
      { class: 'table fire-times' },
      h('caption', { class: 'sr-only' }, `Next fire times in ${zone}`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, `Local time (${zone})`),
          h('th', { scope: 'col' }, 'UTC'),
          h('th', { scope: 'col' }, 'Note'),
        ),
      ),
      h(
        'tbody',
        null,
        fireTimeRows(times, zone).map((row) =>
          h(
            'tr',
            { class: row.dst ? 'dst' : null, 'data-dst': row.dst?.kind ?? null },
            h('td', null, row.local),
            h('td', null, h('time', { datetime: row.time }, row.utc)),
            h(
              'td',
              null,
              row.dst
                ? h(
                    'span',
                    { class: 'badge tone-warn' },
                    h('span', { 'aria-hidden': 'true' }, '⚠'),
                    ` ${row.dst.text}`,
                  )
                : '',
            ),
          ),
        ),
      ),
    ),
  ];
}

function slaView(job: Job, report: SlaReport): Child {
  const record = report.jobs.find((j) => j.jobId === job.jobId);
  const misses = report.misses.filter((m) => m.jobId === job.jobId);
  if (!job.sla && !record) {
    return emptyState(
      'This job has no SLA.',
      'Add ',
      h('code', null, 'sla: { startWithinSeconds, finishWithinSeconds }'),
      ' to the job to be alerted when a run starts or ends late.',
    );
  }
  const now = Date.now();
  return [
    facts([
      ['Window', 'last 24 hours'],
      ['Runs', String(record?.runs ?? 0)],
      ['Missed', String(record?.missed ?? 0)],
      ['Compliance', formatCompliance(record?.runs ?? 0, record?.missed ?? 0)],
    ]),
    misses.length === 0
      ? h('p', { class: 'muted' }, 'No misses in the last 24 hours.')
      : h(
          'table',
          { class: 'table' },
          h('caption', { class: 'sr-only' }, 'SLA misses of this job'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Run', 'Kind', 'Deadline', 'Detected'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            null,
            misses.map((m) =>
              h(
                'tr',
                null,
                h('td', null, h('a', { href: hrefs.run(m.runId), class: 'mono' }, m.runId)),
                h('td', null, m.kind === 'start' ? 'Started late' : 'Finished late'),
                h('td', null, timeView(m.deadline, now, { seconds: true })),
                h('td', null, timeView(m.detectedAt, now, { seconds: true })),
              ),
            ),
          ),
        ),
  ];
}
