/** `kairos runs …`: run history, one run's attempts and DAG tasks, logs, cancel and retry. */
import { RUN_STATUSES } from '../../lambdas/core/run-states.js';
import type { Run, TaskState } from '../cli/api-types.js';
import { choiceFlag, command, intFlag } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { durationBetween, formatError, formatTime } from '../cli/format.js';
import { formatFields, formatTable } from '../cli/table.js';
import { listPages } from './jobs.js';

const enc = encodeURIComponent;

const LIST_USAGE = `Usage: kairos runs list <jobId> [--status S[,S…]] [--limit n] [--all]

A job's runs, newest scheduled time first.
  --status <s>    only runs with these statuses, e.g. FAILED,TIMED_OUT
  --limit <n>     runs per page, 1-100 (default 20)
  --all           every page, not just the first`;

export const runsList = command({
  words: ['runs', 'list'],
  summary: "list a job's runs",
  usage: LIST_USAGE,
  args: ['jobId'],
  options: { status: { type: 'string' }, limit: { type: 'string' }, all: { type: 'boolean' } },
  async run(ctx, values, [jobId]) {
    const limit = intFlag(values.limit, '--limit', 1, 100, LIST_USAGE);
    const status = values.status
      ?.split(',')
      .map((s) => choiceFlag(s.trim(), '--status', RUN_STATUSES, LIST_USAGE))
      .join(',');
    const page = await listPages<Run>(
      ctx,
      `/v1/jobs/${enc(jobId)}/runs`,
      { status, limit },
      values.all === true,
    );
    if (ctx.output === 'json') return void ctx.json(page);
    if (page.items.length === 0) {
      ctx.print(values.status ? 'No runs match.' : `No runs yet: kairos jobs run ${jobId} starts one now.`);
      return;
    }
    ctx.print(
      formatTable(
        [
          { header: 'RUN ID', value: (r) => r.runId },
          { header: 'SCHEDULED FOR', value: (r) => formatTime(r.scheduledFor) },
          { header: 'TRIGGER', value: (r) => r.trigger },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'ATTEMPT', value: (r) => `${r.attempt}/${r.maxAttempts}` },
          { header: 'DURATION', value: (r) => durationBetween(r.startedAt, r.endedAt) },
          { header: 'ERROR', value: (r) => formatError(r.error) ?? r.reason, maxWidth: 60 },
        ],
        page.items,
      ),
    );
    if (page.nextCursor) ctx.stderr.write('More runs: --all lists every page.\n');
  },
});

/** A task's output in one cell: inline JSON, or where the larger one was stored. */
function taskOutcome(task: TaskState): string | undefined {
  const error = formatError(task.error);
  if (error) return error;
  if (task.output !== undefined) return JSON.stringify(task.output);
  if (task.outputRef)
    return `output in ${task.outputRef.uri ?? task.outputRef.key} (${task.outputRef.bytes} bytes)`;
  return undefined;
}

function printRun(ctx: Context, run: Run): void {
  ctx.print(
    formatFields([
      ['Run', run.runId],
      ['Job', run.jobId],
      ['Status', run.status],
      ['Trigger', run.trigger],
      ['Scheduled for', formatTime(run.scheduledFor)],
      ['Queued', formatTime(run.queuedAt)],
      ['Started', formatTime(run.startedAt)],
      ['Ended', formatTime(run.endedAt)],
      ['Duration', durationBetween(run.startedAt, run.endedAt)],
      ['Attempt', `${run.attempt} of ${run.maxAttempts}`],
      ['Next attempt', formatTime(run.retryAt)],
      ['Reason', run.reason],
      ['SLA missed', run.slaMissed ? 'yes' : undefined],
      ['Backfill', run.backfillId],
      ['Error', formatError(run.error)],
    ]),
  );
  ctx.print('\nAttempts:');
  ctx.print(
    run.attempts.length === 0
      ? '  none yet'
      : formatTable(
          [
            { header: 'ATTEMPT', value: (a) => String(a.attempt) },
            { header: 'STATUS', value: (a) => a.status },
            { header: 'STARTED', value: (a) => formatTime(a.startedAt) },
            { header: 'ENDED', value: (a) => formatTime(a.endedAt) },
            { header: 'DURATION', value: (a) => durationBetween(a.startedAt, a.endedAt) },
            { header: 'ERROR', value: (a) => formatError(a.error), maxWidth: 80 },
          ],
          run.attempts,
        ).replace(/^/gm, '  '),
  );
  const tasks = Object.entries(run.tasks ?? {});
  if (tasks.length === 0) return;
  ctx.print('\nTasks:');
  ctx.print(
    formatTable(
      [
        { header: 'TASK', value: ([id]) => id },
        { header: 'STATUS', value: ([, t]) => t.status },
        { header: 'ATTEMPT', value: ([, t]) => String(t.attempt) },
        { header: 'STARTED', value: ([, t]) => formatTime(t.startedAt) },
        { header: 'DURATION', value: ([, t]) => durationBetween(t.startedAt, t.endedAt) },
        { header: 'OUTPUT / ERROR', value: ([, t]) => taskOutcome(t), maxWidth: 60 },
      ],
      tasks,
    ).replace(/^/gm, '  '),
  );
  ctx.print(`\nLogs: kairos runs logs ${run.runId}${tasks.length > 0 ? ' [--task <id>]' : ''}`);
}

export const runsGet = command({
  words: ['runs', 'get'],
  summary: 'show a run: attempts and DAG tasks',
  usage:
    'Usage: kairos runs get <runId>\n\nA run: its status, timings, every attempt and, for a DAG, every task.',
  args: ['runId'],
  options: {},
  async run(ctx, _values, [runId]) {
    const { body: run } = await ctx.api().call<Run>('GET', `/v1/runs/${enc(runId)}`);
    if (ctx.output === 'json') return void ctx.json(run);
    printRun(ctx, run);
  },
});

const LOGS_USAGE = `Usage: kairos runs logs <runId> [--attempt n] [--task <taskId>]

Prints the log of an attempt as text (the latest attempt by default), whatever --output says.
  --attempt <n>    that attempt's log
  --task <id>      one DAG task's log instead of the run's`;

export const runsLogs = command({
  words: ['runs', 'logs'],
  summary: "print a run's log",
  usage: LOGS_USAGE,
  args: ['runId'],
  options: { attempt: { type: 'string' }, task: { type: 'string' } },
  async run(ctx, values, [runId]) {
    const attempt = intFlag(values.attempt, '--attempt', 1, 1000, LOGS_USAGE);
    const { text } = await ctx.api().call('GET', `/v1/runs/${enc(runId)}/logs`, {
      query: { attempt, task: values.task },
      headers: { accept: 'text/plain' },
    });
    // Raw, byte for byte what the API sent, so it can be piped to grep or a file.
    ctx.stdout.write(text);
  },
});

function runAction(verb: 'cancel' | 'retry', usage: string, done: (run: Run) => string) {
  return command({
    words: ['runs', verb],
    summary: verb === 'cancel' ? 'cancel a run' : 'start a new attempt of a failed run',
    usage,
    args: ['runId'],
    options: {},
    async run(ctx, _values, [runId]) {
      const { body: run } = await ctx.api().call<Run>('POST', `/v1/runs/${enc(runId)}/${verb}`);
      if (ctx.output === 'json') return void ctx.json(run);
      ctx.print(done(run));
    },
  });
}

export const runsCancel = runAction(
  'cancel',
  'Usage: kairos runs cancel <runId>\n\nCancels a scheduled, queued or running run (its work is stopped). Needs the operator role.',
  (run) => `Cancelled run ${run.runId}: ${run.status}`,
);

export const runsRetry = runAction(
  'retry',
  'Usage: kairos runs retry <runId>\n\nStarts one more attempt of a FAILED or TIMED_OUT run. Needs the operator role.',
  (run) => `Retrying run ${run.runId} (${run.status}): kairos runs get ${run.runId}`,
);

export const RUN_COMMANDS = [runsList, runsGet, runsLogs, runsCancel, runsRetry];
