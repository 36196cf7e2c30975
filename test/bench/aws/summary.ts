/** Turns the counted requests of one life into per-service totals and the list of DynamoDB writes. */
import type { AwsCall } from './counter.js';

/** Per-service totals of one job's life. */
export interface RequestSummary {
  readonly dynamodb: {
    readonly reads: number;
    readonly writes: number;
    /** Items written (a BatchWriteItem of n items is one request, n items). */
    readonly writeItems: number;
    readonly wcu: number;
    /** Of `wcu`, the units billed for global secondary indexes. */
    readonly gsiWcu: number;
    readonly rru: number;
    readonly largestItemBytes: number;
  };
  /** Sends by the engine (SendMessageBatch, SendMessage), each one request whatever its entries. */
  readonly sqsSends: number;
  readonly s3: { readonly put: number; readonly get: number };
  /** Invoke requests: the target function. */
  readonly lambdaInvokes: number;
  /** Requests of any other service (none expected for a Lambda target). */
  readonly other: number;
}

const count = (calls: readonly AwsCall[], test: (c: AwsCall) => boolean) => calls.filter(test).length;
const sum = (calls: readonly AwsCall[], pick: (c: AwsCall) => number) =>
  calls.reduce((total, c) => total + pick(c), 0);

/** Totals per service. */
export function summarise(calls: readonly AwsCall[]): RequestSummary {
  const dynamo = calls.filter((c) => c.service === 'dynamodb');
  const writes = dynamo.filter((c) => c.kind === 'write');
  const reads = dynamo.filter((c) => c.kind === 'read');
  return {
    dynamodb: {
      reads: reads.length,
      writes: writes.length,
      writeItems: sum(writes, (c) => c.items),
      wcu: sum(writes, (c) => c.units),
      gsiWcu: sum(writes, (c) => c.gsiUnits),
      rru: sum(reads, (c) => c.units),
      largestItemBytes: Math.max(0, ...dynamo.map((c) => c.maxItemBytes)),
    },
    sqsSends: count(calls, (c) => c.service === 'sqs'),
    s3: {
      put: count(calls, (c) => c.service === 's3' && c.command === 'PutObject'),
      get: count(calls, (c) => c.service === 's3' && c.command === 'GetObject'),
    },
    lambdaInvokes: count(calls, (c) => c.service === 'lambda'),
    other: count(calls, (c) => !['dynamodb', 'sqs', 's3', 'lambda'].includes(c.service)),
  };
}

/** Every DynamoDB write, largest first, to see which ones dominate the bill. */
export function describeWrites(calls: readonly AwsCall[]) {
  return calls
    .filter((c) => c.service === 'dynamodb' && c.kind === 'write')
    .map((c) => ({
      phase: c.phase,
      write: `${c.command} ${c.table}`,
      items: c.items,
      bytes: c.maxItemBytes,
      wcu: c.units,
      gsiWcu: c.gsiUnits,
    }))
    .sort((a, b) => b.wcu - a.wcu);
}

/** WCU per table, e.g. `{ Runs: 6, Jobs: 2, Schedule: 2 }`. */
export function wcuByTable(calls: readonly AwsCall[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const c of calls) {
    if (c.service !== 'dynamodb' || c.kind !== 'write' || c.table === undefined) continue;
    totals[c.table] = (totals[c.table] ?? 0) + c.units;
  }
  return totals;
}

/** One line per request in the order made, e.g. `dispatch.fire dynamodb.PutItem Runs 302 B 2 WCU`. */
export function timeline(calls: readonly AwsCall[]): string[] {
  return calls.map((c) => {
    const what = `${c.phase} ${c.service}.${c.command}`;
    if (c.service !== 'dynamodb') return c.items > 1 ? `${what} (${c.items} entries)` : what;
    const unit = c.kind === 'write' ? 'WCU' : 'RRU';
    return `${what} ${c.table ?? ''} ${c.maxItemBytes} B ${c.units} ${unit}`.replace(/ +/g, ' ');
  });
}
