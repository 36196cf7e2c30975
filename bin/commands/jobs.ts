/** `kairos jobs …`: create, inspect, change and trigger jobs. */
import { stringify as toYaml } from 'yaml';
import { describeSchedule } from '../../lambdas/core/schedule/describe.js';
import { JOB_META_FIELDS, type Job, type Page } from '../cli/api-types.js';
import { choiceFlag, command, intFlag } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { formatTags, formatTime } from '../cli/format.js';
import { readDocument, readPayload } from '../cli/input.js';
import { formatFields, formatTable } from '../cli/table.js';

const JOB_STATUSES = ['ACTIVE', 'PAUSED', 'DELETED'] as const;
const enc = encodeURIComponent;

function scheduleInWords(job: Job): string {
  try {
    return describeSchedule(job.schedule);
  } catch {
    // A schedule the describer does not know (a newer API): the raw shape still says what it is.
    return JSON.stringify(job.schedule);
  }
}

/** What happened to which job, then where it stands: status, schedule, next run. */
function printChange(ctx: Context, verb: string, job: Job): void {
  if (ctx.output === 'json') {
    ctx.json(job);
    return;
  }
  ctx.print(`${verb} job ${job.jobId} (${job.name}), version ${job.version}`);
  ctx.print(
    formatFields([
      ['Status', job.status],
      ['Schedule', scheduleInWords(job)],
      ['Next run', formatTime(job.nextRunAt) ?? '-'],
    ]),
  );
}

const LIST_USAGE = `Usage: kairos jobs list [--status ACTIVE|PAUSED|DELETED] [--tag key:value] [--limit n] [--all]

Jobs, newest first. Deleted jobs are listed only with --status DELETED.
  --status <s>     only jobs with this status (comma-separated for several)
  --tag <k:v>      only jobs with this tag
  --limit <n>      jobs per page, 1-100 (default 20)
  --all            every page, not just the first`;

export const jobsList = command({
  words: ['jobs', 'list'],
  summary: 'list jobs',
  usage: LIST_USAGE,
  args: [],
  options: {
    status: { type: 'string' },
    tag: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean' },
  },
  async run(ctx, values) {
    const limit = intFlag(values.limit, '--limit', 1, 100, LIST_USAGE);
    const statuses = values.status
      ?.split(',')
      .map((s) => choiceFlag(s.trim(), '--status', JOB_STATUSES, LIST_USAGE))
      .join(',');
    if (values.tag !== undefined && !/^[^:]+:/.test(values.tag))
      throw new UsageError(`--tag must be key:value, got '${values.tag}'`, LIST_USAGE);
    const page = await listPages<Job>(
      ctx,
      '/v1/jobs',
      { status: statuses, tag: values.tag, limit },
      values.all === true,
    );
    if (ctx.output === 'json') return void ctx.json(page);
    if (page.items.length === 0) {
      ctx.print(
        values.status || values.tag
          ? 'No jobs match.'
          : 'No jobs yet: create one with kairos jobs create -f <file>',
      );
      return;
    }
    ctx.print(
      formatTable(
        [
          { header: 'NAME', value: (j) => j.name, maxWidth: 40 },
          { header: 'ID', value: (j) => j.jobId },
          { header: 'SCHEDULE', value: scheduleInWords, maxWidth: 60 },
          { header: 'STATUS', value: (j) => j.status },
          { header: 'NEXT RUN', value: (j) => formatTime(j.nextRunAt) },
          { header: 'TAGS', value: (j) => formatTags(j.tags) },
        ],
        page.items,
      ),
    );
    if (page.nextCursor) ctx.stderr.write('More jobs: --all lists every page.\n');
  },
});

/**
 * The first page, or with `all` every page joined into one (`nextCursor: null`), so `--output json --all`
 * stays one document with the API's shape.
 */
export async function listPages<T>(
  ctx: Context,
  path: string,
  query: Record<string, string | number | undefined>,
  all: boolean,
): Promise<Page<T>> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const { body } = await ctx.api().call<Page<T>>('GET', path, { query: { ...query, cursor } });
    items.push(...body.items);
    if (!all || !body.nextCursor) return { items, nextCursor: all ? null : body.nextCursor };
    cursor = body.nextCursor;
  }
}

export const jobsGet = command({
  words: ['jobs', 'get'],
  summary: 'show a job and its definition',
  usage: 'Usage: kairos jobs get <jobId>\n\nA job: status, schedule in words, next run, and its definition.',
  args: ['jobId'],
  options: {},
  async run(ctx, _values, [jobId]) {
    const { body: job } = await ctx.api().call<Job>('GET', `/v1/jobs/${enc(jobId)}`);
    if (ctx.output === 'json') return void ctx.json(job);
    const definition = Object.fromEntries(Object.entries(job).filter(([k]) => !JOB_META_FIELDS.includes(k)));
    ctx.print(
      formatFields([
        ['Name', job.name],
        ['ID', job.jobId],
        ['Status', job.status],
        ['Version', String(job.version)],
        ['Schedule', scheduleInWords(job)],
        ['Next run', formatTime(job.nextRunAt) ?? '-'],
        ['Tags', formatTags(job.tags)],
        ['Created', formatTime(job.createdAt)],
        ['Updated', formatTime(job.updatedAt)],
      ]),
    );
    const yaml = toYaml(definition, { lineWidth: 0 }).trimEnd();
    ctx.print(`\nDefinition:\n${yaml.replace(/^/gm, '  ')}`);
  },
});

const CREATE_USAGE = `Usage: kairos jobs create -f <job.json|job.yaml|-> [--idempotency-key <key>]

Creates a job from a JSON or YAML file (- reads stdin). Needs the admin role.
  -f, --file <path>          the job definition
  --idempotency-key <key>    a retried create with the same key returns the first job`;

export const jobsCreate = command({
  words: ['jobs', 'create'],
  summary: 'create a job from a JSON or YAML file',
  usage: CREATE_USAGE,
  args: [],
  options: { file: { type: 'string', short: 'f' }, 'idempotency-key': { type: 'string' } },
  async run(ctx, values) {
    if (values.file === undefined) throw new UsageError('missing -f <file>', CREATE_USAGE);
    const body = readDocument(values.file);
    const key = values['idempotency-key'];
    const res = await ctx
      .api()
      .call<Job>('POST', '/v1/jobs', { body, headers: key ? { 'idempotency-key': key } : {} });
    const replayed = res.headers.get('idempotent-replayed') === 'true';
    printChange(ctx, replayed ? 'Already created' : 'Created', res.body);
  },
});

const UPDATE_USAGE = `Usage: kairos jobs update <jobId> -f <patch.json|patch.yaml|-> [--if-match <version>]

Changes the fields in the file (a field set to null is removed). Needs the admin role.
  -f, --file <path>        the fields to change
  --if-match <version>     refuse (409) unless the job is still at this version`;

export const jobsUpdate = command({
  words: ['jobs', 'update'],
  summary: 'change fields of a job',
  usage: UPDATE_USAGE,
  args: ['jobId'],
  options: { file: { type: 'string', short: 'f' }, 'if-match': { type: 'string' } },
  async run(ctx, values, [jobId]) {
    if (values.file === undefined) throw new UsageError('missing -f <file>', UPDATE_USAGE);
    const version = intFlag(values['if-match'], '--if-match', 1, Number.MAX_SAFE_INTEGER, UPDATE_USAGE);
    const body = readDocument(values.file);
    const headers: Record<string, string> = version === undefined ? {} : { 'if-match': `"${version}"` };
    const res = await ctx.api().call<Job>('PATCH', `/v1/jobs/${enc(jobId)}`, { body, headers });
    printChange(ctx, 'Updated', res.body);
  },
});

const DELETE_USAGE = `Usage: kairos jobs delete <jobId> [--cancel-running]

Stops the job's future runs. Needs the admin role.
  --cancel-running    also cancel its queued and running runs`;

export const jobsDelete = command({
  words: ['jobs', 'delete'],
  summary: 'delete a job',
  usage: DELETE_USAGE,
  args: ['jobId'],
  options: { 'cancel-running': { type: 'boolean' } },
  async run(ctx, values, [jobId]) {
    const query = { cancelRunning: values['cancel-running'] ? 'true' : undefined };
    const res = await ctx.api().call<Job>('DELETE', `/v1/jobs/${enc(jobId)}`, { query });
    printChange(ctx, 'Deleted', res.body);
  },
});

function stateChange(verb: 'pause' | 'resume', done: string) {
  return command({
    words: ['jobs', verb],
    summary: `${verb} a job's schedule`,
    usage: `Usage: kairos jobs ${verb} <jobId>\n\n${verb === 'pause' ? 'Slots of a paused job are recorded as SKIPPED.' : 'Plans the next slot from now on.'} Needs the operator role.`,
    args: ['jobId'],
    options: {},
    async run(ctx, _values, [jobId]) {
      const res = await ctx.api().call<Job>('POST', `/v1/jobs/${enc(jobId)}/${verb}`);
      printChange(ctx, done, res.body);
    },
  });
}

export const jobsPause = stateChange('pause', 'Paused');
export const jobsResume = stateChange('resume', 'Resumed');

const RUN_USAGE = `Usage: kairos jobs run <jobId> [--payload <json> | --payload-file <file>]

Starts a run now (a manual run). Needs the operator role.
  --payload <json>         payload for this run instead of the job's
  --payload-file <file>    the same, from a JSON or YAML file (- reads stdin)`;

export const jobsRun = command({
  words: ['jobs', 'run'],
  summary: 'run a job now',
  usage: RUN_USAGE,
  args: ['jobId'],
  options: { payload: { type: 'string' }, 'payload-file': { type: 'string' } },
  async run(ctx, values, [jobId]) {
    const body = readPayload(values.payload, values['payload-file'], RUN_USAGE);
    const { body: run } = await ctx
      .api()
      .call<{ runId: string; status: string }>('POST', `/v1/jobs/${enc(jobId)}/runs`, { body });
    if (ctx.output === 'json') return void ctx.json(run);
    ctx.print(`Started run ${run.runId} (${run.status}): kairos runs get ${run.runId}`);
  },
});

export const JOB_COMMANDS = [
  jobsList,
  jobsGet,
  jobsCreate,
  jobsUpdate,
  jobsDelete,
  jobsPause,
  jobsResume,
  jobsRun,
];
