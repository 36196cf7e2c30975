/**
 * `kairos backfill <jobId> --from --to`: runs the slots of a past window and follows them to the end with a
 * progress bar. Exit 0 when every run of the backfill succeeded, 1 when one failed or timed out or the backfill
 * was cancelled, so a script can tell a clean backfill from one that needs a look.
 */
import { REPROCESS_MODES } from '../../lambdas/core/backfill/request.js';
import { INSTANT_FORMAT_HINT, parseInstant } from '../../lambdas/core/schedule/instant.js';
import type { BackfillCreated, BackfillView, Job, Page, Run } from '../cli/api-types.js';
import { choiceFlag, command, intFlag } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { CliError, UsageError } from '../cli/errors.js';
import { formatTime, localTime } from '../cli/format.js';
import { progressWriter } from '../cli/progress.js';
import { formatTable } from '../cli/table.js';

const USAGE = `Usage: kairos backfill <jobId> --from <instant> --to <instant> [--dry-run] [--max-concurrency n]
                       [--reprocess none|failed|all] [--no-wait]

Runs the slots of a cron or rate job in [from, to) and shows a progress bar (on stderr) until every run has
ended. Exit 1 when a run failed or timed out, or the backfill was cancelled. Needs the operator role.
  --from, --to <instant>     the window, ISO-8601 with Z or an offset (to: not after now)
  --dry-run                  print the times that would run; create nothing
  --max-concurrency <n>      runs at once, 1-100 (default 1)
  --reprocess <mode>         slots that already have a run: none (default), failed, all
  --no-wait                  return once the backfill is accepted`;

/** How often the progress is read: often enough to look live, rarely enough to cost nothing. */
const POLL_MS = 500;
const FAILED = ['FAILED', 'TIMED_OUT'];
const enc = encodeURIComponent;

function instantFlag(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`missing ${flag} <instant>`, USAGE);
  if (parseInstant(value) === undefined)
    throw new UsageError(`${flag} '${value}' is not an instant: ${INSTANT_FORMAT_HINT}`, USAGE);
  return value;
}

export const backfill = command({
  words: ['backfill'],
  summary: 'run the slots of a past window, with a progress bar',
  usage: USAGE,
  args: ['jobId'],
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'max-concurrency': { type: 'string' },
    reprocess: { type: 'string' },
    'no-wait': { type: 'boolean' },
  },
  async run(ctx, values, [jobId]) {
    const body = {
      from: instantFlag(values.from, '--from'),
      to: instantFlag(values.to, '--to'),
      maxConcurrency: intFlag(values['max-concurrency'], '--max-concurrency', 1, 100, USAGE),
      dryRun: values['dry-run'] ? true : undefined,
      reprocess: choiceFlag(values.reprocess, '--reprocess', REPROCESS_MODES, USAGE),
    };
    const { body: created } = await ctx
      .api()
      .call<BackfillCreated>('POST', `/v1/jobs/${enc(jobId)}/backfill`, { body });
    if (body.dryRun) {
      await printDryRun(ctx, jobId, created);
      return 0;
    }
    const id = created.backfillId!;
    if (values['no-wait']) {
      if (ctx.output === 'json') ctx.json(created);
      else ctx.print(`Backfill ${id} started: ${summary(created)}. Progress: GET /v1/backfills/${id}`);
      return 0;
    }
    if (ctx.output === 'table') ctx.print(`Backfill ${id}: ${summary(created)}`);
    const view = await follow(ctx, id);
    if (ctx.output === 'json') ctx.json(view);
    if (view.status === 'CANCELLED')
      throw new CliError(
        `backfill ${id} was cancelled after launching ${view.launched} of ${view.runs} runs`,
      );
    return report(ctx, view, await runsOf(ctx, view));
  },
});

const summary = (c: BackfillCreated) =>
  `${c.runs} run${c.runs === 1 ? '' : 's'} for ${c.slots} slot${c.slots === 1 ? '' : 's'}` +
  (c.skipped > 0 ? ` (${c.skipped} already had a run)` : '');

async function printDryRun(ctx: Context, jobId: string, created: BackfillCreated): Promise<void> {
  if (ctx.output === 'json') return ctx.json(created);
  const times = created.times ?? [];
  ctx.print(`Dry run: ${summary(created)}; nothing was created.`);
  if (times.length === 0) return;
  // In the job's own zone too: that is the clock its schedule is written in (DST gaps show as missing days).
  const { body: job } = await ctx.api().call<Job>('GET', `/v1/jobs/${enc(jobId)}`);
  const tz = job.schedule.type === 'cron' ? (job.schedule.timezone ?? 'UTC') : 'UTC';
  const table = formatTable(
    [
      { header: `LOCAL (${tz})`, value: (t: string) => localTime(new Date(t), tz) },
      { header: 'UTC', value: (t: string) => formatTime(t) },
    ],
    times,
  );
  ctx.print(table.replace(/^/gm, '  '));
}

/** Polls the backfill until it is no longer RUNNING, drawing its progress on stderr. */
async function follow(ctx: Context, id: string): Promise<BackfillView> {
  const bar = progressWriter(ctx.stderr);
  // Ctrl-C stops watching, not the backfill: say so, since the runs go on on the server.
  const onInterrupt = () => {
    bar.finish();
    ctx.stderr.write(`Stopped watching; backfill ${id} goes on (cancel: POST /v1/backfills/${id}/cancel).\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (;;) {
      const { body: view } = await ctx.api().call<BackfillView>('GET', `/v1/backfills/${enc(id)}`);
      // A backfill with nothing to run (every slot had a run) ends at once: no bar for 0 of 0.
      if (view.runs > 0)
        bar.update({ done: view.launched - view.active, total: view.runs, active: view.active });
      if (view.status !== 'RUNNING') {
        bar.finish();
        return view;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/**
 * The backfill's runs: the job's history is newest slot first, so paging stops at the first page that reaches
 * back before the window.
 */
async function runsOf(ctx: Context, view: BackfillView): Promise<Run[]> {
  const found: Run[] = [];
  const from = Date.parse(view.from);
  let cursor: string | undefined;
  for (;;) {
    const { body } = await ctx
      .api()
      .call<Page<Run>>('GET', `/v1/jobs/${enc(view.jobId)}/runs`, { query: { limit: 100, cursor } });
    found.push(...body.items.filter((r) => r.backfillId === view.backfillId));
    const oldest = body.items.at(-1);
    if (!body.nextCursor || !oldest || Date.parse(oldest.scheduledFor) < from) return found;
    cursor = body.nextCursor;
  }
}

function report(ctx: Context, view: BackfillView, runs: Run[]): number {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  const byStatus = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const failed = runs.filter((r) => FAILED.includes(r.status));
  if (ctx.output === 'table')
    ctx.print(`Backfill ${view.backfillId} completed: ${view.runs} runs${byStatus ? ` (${byStatus})` : ''}`);
  if (failed.length === 0) return 0;
  const shown = failed.slice(0, 10).map((r) => `  ${r.runId}  ${formatTime(r.scheduledFor)}  ${r.status}`);
  const more = failed.length > shown.length ? [`  … and ${failed.length - shown.length} more`] : [];
  ctx.stderr.write(
    `kairos: ${failed.length} of ${view.runs} runs of backfill ${view.backfillId} failed:\n${[...shown, ...more].join('\n')}\n`,
  );
  return 1;
}
