/**
 * The whole life of one `at` job on the counted engine: the API call that creates it, every dispatch message it
 * causes (delivered in due order, as the lane queues' event source mapping would), and the watcher moves of the
 * timers that wait in the Schedule table (the attempt's deadline timer: the default timeout of 3,600 s is past
 * SQS's 900 s delay limit).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parseDispatchMessage } from '../../../lambdas/core/messages.js';
import type { RunRecord } from '../../../lambdas/core/run.js';
import { WATCH_HORIZON_MS } from '../../../lambdas/core/time-buckets.js';
import type { AwsCall } from './counter.js';
import type { CountedEngine } from './engine.js';

/** The target of the job: a Lambda function, invoked synchronously by the dispatcher. */
export const TARGET_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:kairos-report';
/** How far ahead the job is due: within SQS's delay, so the fire message goes straight to the queue. */
const DUE_IN_MS = 2 * 60_000;
/** A bound on messages and watcher ticks, so a loop in the engine fails the bench instead of hanging it. */
const MAX_STEPS = 50;

export interface Life {
  readonly calls: readonly AwsCall[];
  /** Kinds of the dispatch messages delivered, in order. */
  readonly delivered: readonly string[];
  /** Watcher ticks that moved one of the job's timers. */
  readonly watcherTicks: number;
  /** Requests of one watcher tick that are the same whatever the number of timers (bucket queries). */
  readonly tickFixedCalls: readonly AwsCall[];
  readonly run: RunRecord;
}

/** Runs the life and checks it ended in a SUCCEEDED run with no dead letter. */
export async function liveOneJob(engine: CountedEngine): Promise<Life> {
  const { clock, counter, fakes, services, dispatcher, watcher } = engine;
  counter.state.phase = 'api.create';
  const at = new Date(clock.ms + DUE_IN_MS).toISOString();
  const { job } = await services.jobs.create(
    {
      name: 'nightly-report',
      schedule: { type: 'at', at },
      target: { type: 'lambda', functionArn: TARGET_ARN },
    },
    { principal: 'bench' },
  );

  const delivered: string[] = [];
  let watcherTicks = 0;
  const tickFixedCalls: AwsCall[] = [];
  for (let step = 0; ; step++) {
    if (step > MAX_STEPS) throw new Error('The life of one job did not end within the step bound.');
    const next = fakes.takeNext();
    if (next) {
      // Time never goes back: a message is delivered at its due time or at once if that has passed.
      clock.ms = Math.max(clock.ms, next.dueMs);
      const message = parseDispatchMessage(next.body);
      counter.state.phase = `dispatch.${message.kind}`;
      delivered.push(message.kind);
      await dispatcher.handle(message);
      continue;
    }
    const dueAtMs = await earliestTimer(engine);
    if (dueAtMs === undefined) break;
    // The first tick whose horizon reaches the timer: the one that moves it, with the longest delay.
    clock.ms = Math.max(clock.ms, dueAtMs - WATCH_HORIZON_MS);
    counter.state.phase = 'watcher';
    const before = counter.calls.length;
    const { moved } = await watcher.tick();
    if (moved === 0) throw new Error('The watcher moved nothing although a timer is due within its horizon.');
    watcherTicks++;
    // Bucket queries are paid per tick, every minute, timers or not: a fixed cost, not the job's.
    const tick = counter.calls.splice(before);
    tickFixedCalls.push(...tick.filter((c) => c.command === 'Query'));
    counter.calls.push(...tick.filter((c) => c.command !== 'Query'));
  }
  if (watcherTicks === 0) {
    // No timer of this job went through the table, but the watcher ticks every minute anyway: measure one
    // idle tick for the fixed cost.
    counter.state.phase = 'watcher';
    const before = counter.calls.length;
    await watcher.tick();
    watcherTicks++;
    tickFixedCalls.push(...counter.calls.splice(before).filter((c) => c.command === 'Query'));
  }
  counter.state.phase = 'check';
  const counted = counter.calls.length;
  const runs = await engine.deps.runs.listByJob({ jobId: job.jobId, limit: 10 });
  // Read through the counted client: drop what the check itself cost.
  counter.calls.length = counted;
  const run = runs.items[0];
  if (runs.items.length !== 1 || run?.status !== 'SUCCEEDED' || run.attempts.length !== 1) {
    throw new Error(`The job's life did not end in one SUCCEEDED run: ${JSON.stringify(runs.items)}`);
  }
  if (fakes.deadLetters.length > 0)
    throw new Error(`Dead letters were sent: ${fakes.deadLetters.join('\n')}`);
  return { calls: [...counter.calls], delivered, watcherTicks, tickFixedCalls, run };
}

/** Due time of the earliest timer in the Schedule table (uncounted scan: the bench's bookkeeping). */
async function earliestTimer(engine: CountedEngine): Promise<number | undefined> {
  const { Items = [] } = await engine.inspector.send(
    new ScanCommand({ TableName: engine.tableNames.Schedule, ConsistentRead: true }),
  );
  const due = Items.map((item) => Number(item.dueAtMs));
  return due.length === 0 ? undefined : Math.min(...due);
}
