import {
  endError,
  type LatchEnded,
  type LatchRelease,
  type LatchRequest,
  latchRelease,
  recordedStatus,
  type TaskEndedResponse,
  type TaskEndStatus,
  type WaitRequest,
} from '../../core/dag/latch-contract.js';
import { outputToStore, type TaskOutputRef } from '../../core/dag/task-output.js';

/** Stores an output too large to pass inline (the local runtime's artifacts directory). */
export type OutputOffload = (runId: string, taskId: string, json: string) => Promise<TaskOutputRef>;

/** What the latch saw, in order; the local runtime turns these into the run's per-task state. */
export interface LatchEvent {
  readonly runId: string;
  readonly taskId: string;
  readonly kind: 'started' | 'ended' | 'waiting' | 'released';
  readonly status?: TaskEndStatus;
  readonly error?: string;
  /** An ended task's output (small) or where it was stored. */
  readonly output?: unknown;
  readonly outputRef?: TaskOutputRef | null;
  readonly at: number;
}

interface Waiter {
  readonly request: WaitRequest;
  readonly resolve: (release: LatchRelease) => void;
  readonly reject: (reason: unknown) => void;
}

/**
 * In-process latch with the deployed latch's contract (lambdas/core/dag/latch-contract.ts). Each request is
 * handled synchronously, which gives the same guarantee as the one atomic UpdateItem: whichever of "dep ended"
 * and "waiter registered" comes second releases the waiter.
 */
export class InProcessLatch {
  readonly events: LatchEvent[] = [];
  private readonly ended = new Map<string, LatchEnded>();
  private readonly waiters = new Map<string, Waiter>();
  private aborted: unknown;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly onEvent?: (event: LatchEvent) => void,
    private readonly offload?: OutputOffload,
  ) {}

  /** `started` and `ended`; the response is what the deployed Lambda returns as its Payload. */
  async handle(
    request: Exclude<LatchRequest, WaitRequest>,
  ): Promise<TaskEndedResponse | Record<string, never>> {
    if (request.op === 'started') {
      this.record({ runId: request.runId, taskId: request.taskId, kind: 'started', at: this.now() });
      return {};
    }
    let recorded = recordedStatus(request);
    const large = outputToStore(recorded.output);
    if (large !== undefined) {
      // As the deployed latch: stored first, and only a pointer travels (without a store, nothing is lost:
      // the output stays inline, which only a state data limit the local runner does not have could refuse).
      const outputRef = await this.offload?.(request.runId, request.taskId, large);
      if (outputRef) recorded = { ...recorded, output: null, outputRef };
    }
    // From here to the releases nothing awaits: the same guarantee as the deployed latch's one UpdateItem.
    const error = endError(request)?.error;
    const { status, output, outputRef } = recorded;
    this.ended.set(key(request.runId, request.taskId), { status, output, outputRef });
    this.record({
      runId: request.runId,
      taskId: request.taskId,
      kind: 'ended',
      status: recorded.status,
      ...(error === undefined ? {} : { error }),
      output,
      outputRef,
      at: this.now(),
    });
    for (const waiter of [...this.waiters.values()])
      if (waiter.request.runId === request.runId) this.tryRelease(waiter);
    return recorded;
  }

  /** Resolves with the deps' statuses once all have ended (at once if they already have). */
  wait(request: WaitRequest): Promise<LatchRelease> {
    if (this.aborted !== undefined) return Promise.reject(this.aborted);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { request, resolve, reject };
      this.waiters.set(key(request.runId, request.taskId), waiter);
      this.record({ runId: request.runId, taskId: request.taskId, kind: 'waiting', at: this.now() });
      this.tryRelease(waiter);
    });
  }

  /** Status of each task that has ended in `runId`. */
  statuses(runId: string): Record<string, TaskEndStatus> {
    const prefix = `${runId}\u0000`;
    return Object.fromEntries(
      [...this.ended]
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, e]) => [k.slice(prefix.length), e.status]),
    );
  }

  /** Cancel: pending waits reject, and so does any later one, so no task behind the latch starts. */
  abort(reason: unknown): void {
    this.aborted = reason;
    for (const waiter of this.waiters.values()) waiter.reject(reason);
    this.waiters.clear();
  }

  private tryRelease(waiter: Waiter): void {
    const { runId, taskId, deps } = waiter.request;
    const ends = deps.map((d) => this.ended.get(key(runId, d)));
    if (ends.some((e) => e === undefined)) return;
    this.waiters.delete(key(runId, taskId));
    this.record({ runId, taskId, kind: 'released', at: this.now() });
    waiter.resolve(latchRelease(ends as LatchEnded[]));
  }

  private record(event: LatchEvent): void {
    this.events.push(event);
    this.onEvent?.(event);
  }
}

const key = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;
