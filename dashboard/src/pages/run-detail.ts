/**
 * One run: its facts, attempts with timings and errors, logs and output. A DAG run also gets its task graph,
 * each box showing the task's live state. While the run is unfinished the page polls it every second and
 * updates what changed in place (no reload); it stops when the run ends or the page is left, and pauses while
 * the tab is hidden.
 */
import { ApiError } from '../api.js';
import type { Job, Run, TaskState } from '../api-types.js';
import type { PageContext } from '../context.js';
import { type Child, fill, h } from '../dom.js';
import { elapsedMs, formatDuration, formatError } from '../format.js';
import { runGraph } from '../graph/run-graph.js';
import { type DagGraphView, dagGraph, legend } from '../graph/view.js';
import { hrefs } from '../routes.js';
import { isTerminal, TASK_STATUSES } from '../status.js';
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

const LIVE_MS = 1000;
/** Logs are re-read every few live ticks: they are bigger than the run and change less often. */
const LOG_EVERY = 3;

export function runDetailPage(ctx: PageContext, runId: string): HTMLElement {
  const path = `v1/runs/${encodeURIComponent(runId)}`;
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: hrefs.jobs() }, 'Jobs'), ' / ');
  const headBadge = h('span', { 'data-testid': 'run-status' });
  const headActions = h('div', { class: 'actions' });
  const liveNote = h('span', { class: 'live muted small' });
  const body = h('div', { class: 'stack' }, loading('the run'));
  const summary = h('div');
  const tasksCard = h('div');
  const attempts = h('div');
  const output = h('div');
  const logs = h('div');
  let job: Job | undefined;
  /** The run as last read: clicks use it, not the one their button was drawn with. */
  let current: Run | undefined;
  let graph: DagGraphView | undefined;
  let taskRows: Map<string, HTMLTableRowElement> | undefined;
  let selectedTask: string | undefined;
  let logAttempt: number | undefined;
  let built = false;
  let ticks = 0;
  let shownActions = '';

  async function refresh(): Promise<boolean> {
    let run: Run;
    try {
      run = await ctx.api.get<Run>(path);
    } catch (error) {
      if (ctx.scope.disposed) return false;
      fill(
        body,
        errorBox(error, `Could not load run ${runId}.`, ctx.me?.role),
        h('p', null, h('a', { href: hrefs.jobs() }, '← All jobs')),
      );
      built = false;
      // A missing run stays missing; anything else may pass (a restart, throttling): keep trying.
      return !(error instanceof ApiError && error.status === 404);
    }
    if (ctx.scope.disposed) return false;
    current = run;
    if (!job || job.jobId !== run.jobId) {
      job = await ctx.api.get<Job>(`v1/jobs/${encodeURIComponent(run.jobId)}`).catch(() => undefined);
      if (ctx.scope.disposed) return false;
      fill(
        crumbs,
        h('a', { href: hrefs.jobs() }, 'Jobs'),
        ' / ',
        h('a', { href: hrefs.job(run.jobId) }, job?.name ?? run.jobId),
        ' / ',
      );
    }
    if (!built) build(run);
    render(run);
    const done = isTerminal(run.status);
    liveNote.textContent = done ? '' : 'Live: updates every second';
    if (done || ticks++ % LOG_EVERY === 0) await loadLogs(run);
    return !done;
  }

  function build(run: Run) {
    built = true;
    const shape = runGraph(run, job);
    graph = undefined;
    taskRows = undefined;
    if (shape) {
      graph = dagGraph(shape.tasks, {
        label: `Tasks of run ${run.runId}`,
        onSelect: (id) => selectTask(id),
      });
      fill(
        tasksCard,
        section(
          'Tasks',
          shape.note ? h('p', { class: 'note' }, shape.note) : null,
          graph.el,
          legend(TASK_STATUSES),
          h('div', { class: 'table-wrap' }, taskTable(shape.tasks.map((t) => t.id))),
        ),
      );
    } else fill(tasksCard);
    fill(
      body,
      section('Summary', summary),
      tasksCard,
      section('Attempts', attempts),
      shape ? null : section('Output', output),
      section('Log', logs),
    );
  }

  function taskTable(ids: readonly string[]): HTMLElement {
    taskRows = new Map();
    const tbody = h('tbody');
    for (const id of ids) {
      const tr = h('tr', { 'data-task': id });
      taskRows.set(id, tr);
      tbody.append(tr);
    }
    return h(
      'table',
      { class: 'table' },
      h('caption', { class: 'sr-only' }, 'Task states'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Task', 'Status', 'Attempt', 'Started', 'Duration', 'Error', 'Output'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      tbody,
    );
  }

  function selectTask(id: string) {
    selectedTask = selectedTask === id ? undefined : id;
    graph?.select(selectedTask);
    if (!current) return;
    for (const [taskId, tr] of taskRows ?? [])
      fill(tr, taskCells(taskId, current.tasks?.[taskId], Date.now()));
    void loadLogs(current);
  }

  function render(run: Run) {
    const now = Date.now();
    fill(headBadge, statusBadge(run.status));
    const actionKey = `${run.status}`;
    if (actionKey !== shownActions) {
      shownActions = actionKey;
      fill(headActions, actions(run));
    }
    const elapsed = elapsedMs(run, now);
    fill(
      summary,
      facts([
        ['Job', h('a', { href: hrefs.job(run.jobId) }, job?.name ?? run.jobId)],
        ['Scheduled for', timeView(run.scheduledFor, now, { seconds: true })],
        [
          'Trigger',
          `${run.trigger}${run.catchUp ? ' (catch-up)' : ''}${run.backfillId ? ` (backfill ${run.backfillId})` : ''}`,
        ],
        ['Attempt', `${run.attempt} of ${run.maxAttempts}`],
        ['Queued', timeView(run.queuedAt, now, { seconds: true })],
        ['Started', timeView(run.startedAt, now, { seconds: true })],
        ['Ended', timeView(run.endedAt, now, { seconds: true })],
        [
          'Duration',
          elapsed === undefined ? '—' : `${formatDuration(elapsed)}${run.endedAt ? '' : ' so far'}`,
        ],
        ['SLA', run.slaMissed ? h('span', { class: 'badge tone-bad' }, 'Missed') : 'Met or none'],
        ...(run.retryAt
          ? ([['Next attempt', timeView(run.retryAt, now, { seconds: true })]] as [string, Child][])
          : []),
        ...(run.reason ? ([['Reason', run.reason]] as [string, Child][]) : []),
        ...(run.error
          ? ([['Error', h('span', { class: 'error-text' }, formatError(run.error))]] as [string, Child][])
          : []),
      ]),
    );
    if (graph) graph.update(run.tasks, now);
    if (taskRows) {
      for (const [id, tr] of taskRows) fill(tr, taskCells(id, run.tasks?.[id], now));
    }
    fill(attempts, attemptsView(run, now));
    if (!graph) fill(output, outputView(run));
  }

  function taskCells(id: string, state: TaskState | undefined, now: number): Child {
    const elapsed = state ? elapsedMs(state, now) : undefined;
    const show = h(
      'button',
      { type: 'button', class: 'link', 'aria-pressed': selectedTask === id ? 'true' : 'false' },
      id,
    );
    show.addEventListener('click', () => selectTask(id));
    return [
      h('th', { scope: 'row' }, show),
      h('td', null, statusBadge(state?.status ?? 'PENDING')),
      h('td', null, state?.attempt ? String(state.attempt) : '—'),
      h('td', null, timeView(state?.startedAt, now, { seconds: true })),
      h('td', null, elapsed === undefined ? '—' : formatDuration(elapsed)),
      h('td', { class: 'error-text' }, formatError(state?.error)),
      h(
        'td',
        null,
        state?.output !== undefined
          ? h('code', { class: 'small' }, JSON.stringify(state.output).slice(0, 120))
          : state?.outputRef
            ? h(
                'span',
                { class: 'muted', title: state.outputRef.uri ?? '' },
                `stored (${state.outputRef.bytes ?? '?'} bytes)`,
              )
            : '',
      ),
    ];
  }

  function actions(run: Run): Child {
    const out: Child[] = [];
    if (!isTerminal(run.status)) {
      out.push(
        actionButton(
          ctx,
          'Cancel run',
          async () => {
            await ctx.api.post<Run>(`${path}/cancel`);
            ctx.notify(`Cancelling run ${run.runId}.`);
            poller.now();
          },
          { kind: 'danger', testId: 'cancel' },
        ),
      );
    }
    if (run.status === 'FAILED' || run.status === 'TIMED_OUT') {
      out.push(
        actionButton(
          ctx,
          'Retry',
          async () => {
            await ctx.api.post<Run>(`${path}/retry`);
            ctx.notify(`Retrying run ${run.runId}.`);
            restartLive();
          },
          { kind: 'primary' },
        ),
      );
    }
    return out;
  }

  async function loadLogs(run: Run) {
    const attemptNumbers = run.attempts.map((a) => a.attempt);
    const attempt = logAttempt ?? attemptNumbers[attemptNumbers.length - 1];
    const picker = h(
      'select',
      { 'aria-label': 'Attempt' },
      attemptNumbers.map((n) => h('option', { value: n, selected: n === attempt }, `Attempt ${n}`)),
    );
    picker.addEventListener('change', () => {
      logAttempt = Number(picker.value);
      if (current) void loadLogs(current);
    });
    const heading = h(
      'div',
      { class: 'log-head' },
      selectedTask
        ? h('span', null, 'Task ', h('strong', null, selectedTask), ' — ')
        : h('span', null, 'Whole run — '),
      attemptNumbers.length > 1 ? picker : h('span', null, attempt ? `attempt ${attempt}` : 'no attempt yet'),
      selectedTask
        ? h('span', { class: 'muted small' }, ' (select the task again to see the whole run)')
        : null,
    );
    if (!attempt) {
      fill(logs, heading, emptyState('No log yet.', 'The log appears once the first attempt starts.'));
      return;
    }
    try {
      const text = await ctx.api.text(`${path}/logs`, { attempt, task: selectedTask });
      if (ctx.scope.disposed) return;
      fill(
        logs,
        heading,
        text.trim()
          ? h('pre', { class: 'code log', tabindex: 0 }, text)
          : emptyState('The log is empty.', 'The target wrote nothing.'),
      );
    } catch (error) {
      if (ctx.scope.disposed) return;
      // An attempt's log is written when it ends (a DAG task's when the task does): a 404 before that is normal.
      if (error instanceof ApiError && error.status === 404) {
        const running = !isTerminal(run.status);
        fill(
          logs,
          heading,
          emptyState(
            running ? 'No log yet.' : 'No log was kept for this.',
            running ? 'It appears here when the attempt (or the selected task) ends.' : error.detail,
          ),
        );
      } else fill(logs, heading, errorBox(error, 'Could not load the log.', ctx.me?.role));
    }
  }

  // Every read goes through the loop (the first one at once), so two reads never overlap.
  let poller = ctx.scope.poll(refresh, LIVE_MS);
  poller.now();
  /** A retry makes a finished run live again: the loop that stopped at its end starts over. */
  function restartLive() {
    poller.stop();
    poller = ctx.scope.poll(refresh, LIVE_MS);
    poller.now();
  }

  return h(
    'div',
    { class: 'page' },
    crumbs,
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: -1 }, 'Run ', h('span', { class: 'mono' }, runId)),
      headBadge,
      liveNote,
      headActions,
    ),
    body,
  );
}

function attemptsView(run: Run, now: number): Child {
  if (run.attempts.length === 0)
    return emptyState(
      'No attempt yet.',
      `The run is ${run.status.toLowerCase()}; its first attempt starts when a worker picks it up.`,
    );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table' },
      h('caption', { class: 'sr-only' }, 'Attempts'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Attempt', 'Status', 'Started', 'Ended', 'Duration', 'Error'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        run.attempts.map((a) => {
          const elapsed = elapsedMs(a, now);
          return h(
            'tr',
            null,
            h('td', null, String(a.attempt)),
            h('td', null, statusBadge(a.status)),
            h('td', null, timeView(a.startedAt, now, { seconds: true })),
            h('td', null, timeView(a.endedAt, now, { seconds: true })),
            h('td', null, elapsed === undefined ? '—' : formatDuration(elapsed)),
            h('td', { class: 'error-text' }, formatError(a.error)),
          );
        }),
      ),
    ),
  );
}

function outputView(run: Run): Child {
  const latest = [...run.attempts].reverse().find((a) => a.output !== undefined || a.outputKey);
  if (!latest) return h('p', { class: 'muted' }, 'No output recorded (yet).');
  if (latest.output === undefined) {
    return h(
      'p',
      { class: 'muted' },
      `Attempt ${latest.attempt}'s output is stored as an artifact: `,
      h('code', null, latest.outputKey ?? ''),
    );
  }
  return [h('p', { class: 'muted small' }, `Attempt ${latest.attempt}`), jsonBlock(latest.output)];
}
