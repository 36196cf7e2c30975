import type { AslState, Json, StateMachineDefinition } from './asl.js';

/*
 * Worst-case size of one execution's history, computed from a compiled definition, to check it against Step
 * Functions' hard quota of 25,000 history events per Standard execution
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 *
 * Event types are those of the HistoryEvent API
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html). Each counted slot is
 * one event; where the service writes one of several types for the same slot, the key lists them all:
 *   execution     ExecutionStarted, then one of ExecutionSucceeded|Failed|TimedOut|Aborted;
 *   Task          TaskStateEntered, TaskStateExited (or TaskStateAborted), and per attempt TaskScheduled,
 *                 TaskStarted (or TaskStartFailed), TaskSubmitted (or TaskSubmitFailed; only for the `.sync` and
 *                 `.waitForTaskToken` integration patterns, which wait for a job or a callback after the call),
 *                 and one of TaskSucceeded|TaskFailed|TaskTimedOut;
 *   Pass, Choice, Succeed, Wait   <Type>StateEntered and <Type>StateExited (Wait may end WaitStateAborted);
 *   Fail          FailStateEntered only (the API has no FailStateExited);
 *   Parallel      ParallelStateEntered, ParallelStateStarted, one of ParallelStateSucceeded|Failed|Aborted,
 *                 ParallelStateExited, plus its branches' own events. The API has no per-branch events for
 *                 Parallel (MapIteration* exist for Map only).
 *
 * Attempts: a state with Retry runs at most 1 + the SUM of its retriers' MaxAttempts (3 when omitted). The first
 * retrier whose ErrorEquals matches an error handles it, but each retrier keeps its own count "across all visits
 * to the retrier in the context of a single-state execution" (https://docs.aws.amazon.com/step-functions/latest/dg/
 * concepts-error-handling.html, "Complex retry scenarios"): errors alternating between two retriers exhaust both,
 * so the maximum over retriers would not be a bound. For Kairos's retries (a MaxAttempts 0 retrier for
 * non-retryable errors, then one States.ALL retrier) sum and maximum agree.
 *
 * Visits: every state of a States block is counted as entered once per run of that block (the top level once,
 * each Parallel branch once per attempt of its Parallel). That is exact for states on the path taken and an over-
 * count for the Choice alternatives not taken (a gate's Skipped/Upstream failed Pass states, DAG failed vs DAG
 * succeeded), so the result is an upper bound. It holds only if no state can be entered twice: the transitions
 * of each block must be acyclic, which is checked (a loop would make the history unbounded).
 *
 * Not modelled, and refused: Map states (their iteration count is data), Task resources other than
 * `arn:aws:states:::` service integrations (activities and bare Lambda ARNs have their own event types).
 * Redrive (ExecutionRedriven) is not counted: Kairos starts a new execution instead of redriving one.
 */

/** Step Functions' hard quota of history events per Standard workflow execution. */
export const HISTORY_EVENT_QUOTA = 25_000;

export interface HistoryBound {
  /** Upper bound on the history events of one execution. */
  readonly events: number;
  /** `events` by event type; alternatives that fill the same slot are joined by '|'. */
  readonly byKind: Readonly<Record<string, number>>;
  /** Upper bound on state entries (the *StateEntered events), i.e. on state transitions. */
  readonly entries: number;
  /** Upper bound on Task attempts (TaskScheduled events) over all Task states. */
  readonly attempts: number;
}

/** ASL's default MaxAttempts of a retrier that does not give one. */
const DEFAULT_MAX_ATTEMPTS = 3;
const SERVICE_INTEGRATION = /^arn:aws[a-z-]*:states:::/;
/** Integration patterns that wait after the call (for the job, or for a callback): they add TaskSubmitted. */
const WAITING_PATTERN = /\.(sync(:\d+)?|waitForTaskToken)$/;

const SIMPLE: Readonly<Record<string, readonly string[]>> = {
  Pass: ['PassStateEntered', 'PassStateExited'],
  Choice: ['ChoiceStateEntered', 'ChoiceStateExited'],
  Succeed: ['SucceedStateEntered', 'SucceedStateExited'],
  Wait: ['WaitStateEntered', 'WaitStateExited|WaitStateAborted'],
  Fail: ['FailStateEntered'],
};

/** Upper bound on the history of one execution of `definition`; see the comment above for the model. */
export function historyEventBound(definition: StateMachineDefinition): HistoryBound {
  const byKind: Record<string, number> = {};
  const add = (kind: string, n: number) => {
    if (n > 0) byKind[kind] = (byKind[kind] ?? 0) + n;
  };
  let entries = 0;
  let attempts = 0;
  add('ExecutionStarted', 1);
  add('ExecutionSucceeded|ExecutionFailed|ExecutionTimedOut|ExecutionAborted', 1);

  /** Counts one block of states run `runs` times (a Parallel branch is run once per attempt of its Parallel). */
  const block = (
    states: Readonly<Record<string, AslState>>,
    startAt: string,
    runs: number,
    where: string,
  ) => {
    checkAcyclic(states, startAt, where);
    for (const [name, state] of Object.entries(states)) {
      entries += runs;
      const path = `${where}${name}`;
      const simple = SIMPLE[state.Type];
      if (simple) {
        for (const kind of simple) add(kind, runs);
        continue;
      }
      const tries = runs * maxStateAttempts(state);
      if (state.Type === 'Task') {
        const resource = state.Resource;
        if (typeof resource !== 'string' || !SERVICE_INTEGRATION.test(resource))
          throw new Error(`Task state '${path}': only arn:aws:states::: integrations are modelled`);
        add('TaskStateEntered', runs);
        add('TaskStateExited|TaskStateAborted', runs);
        add('TaskScheduled', tries);
        add('TaskStarted|TaskStartFailed', tries);
        if (WAITING_PATTERN.test(resource)) add('TaskSubmitted|TaskSubmitFailed', tries);
        add('TaskSucceeded|TaskFailed|TaskTimedOut', tries);
        attempts += tries;
      } else if (state.Type === 'Parallel') {
        add('ParallelStateEntered', runs);
        add('ParallelStateStarted', tries);
        add('ParallelStateSucceeded|ParallelStateFailed|ParallelStateAborted', tries);
        add('ParallelStateExited', runs);
        const branches = state.Branches as unknown as readonly {
          StartAt: string;
          States: Record<string, AslState>;
        }[];
        branches.forEach((b, i) => {
          block(b.States, b.StartAt, tries, `${path}/branch ${i}/`);
        });
      } else {
        throw new Error(`state '${path}' of type ${state.Type} is not modelled`);
      }
    }
  };
  block(definition.States, definition.StartAt, 1, '');
  const events = Object.values(byKind).reduce((a, b) => a + b, 0);
  return { events, byKind, entries, attempts };
}

/** 1 + the sum of the retriers' MaxAttempts: each retrier counts its own retries (see above). */
export function maxStateAttempts(state: AslState): number {
  const retry = (state.Retry ?? []) as readonly { MaxAttempts?: Json }[];
  return (
    1 +
    retry.reduce(
      (sum, r) => sum + (typeof r.MaxAttempts === 'number' ? r.MaxAttempts : DEFAULT_MAX_ATTEMPTS),
      0,
    )
  );
}

/** Where a state may go next: Next, a Choice's rules and Default, a Catch's handlers. */
function successors(state: AslState): string[] {
  const out: string[] = [];
  const push = (v: Json | undefined) => {
    if (typeof v === 'string') out.push(v);
  };
  push(state.Next);
  push(state.Default);
  for (const rule of (state.Choices ?? []) as readonly { Next?: Json }[]) push(rule.Next);
  for (const catcher of (state.Catch ?? []) as readonly { Next?: Json }[]) push(catcher.Next);
  return out;
}

/** Throws when a state can be reached twice in one run of the block (a cycle among its transitions). */
function checkAcyclic(states: Readonly<Record<string, AslState>>, startAt: string, where: string): void {
  if (!Object.hasOwn(states, startAt))
    throw new Error(`${where || 'definition'}: StartAt '${startAt}' is no state`);
  const mark = new Map<string, 'open' | 'done'>();
  // Iterative DFS: a chain of 100 tasks is 500 states deep.
  for (const root of Object.keys(states)) {
    if (mark.has(root)) continue;
    const stack: { name: string; next: string[] }[] = [{ name: root, next: successors(states[root]) }];
    mark.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top.next.pop();
      if (next === undefined) {
        mark.set(top.name, 'done');
        stack.pop();
        continue;
      }
      if (!Object.hasOwn(states, next))
        throw new Error(`${where}${top.name}: transition to unknown state '${next}'`);
      const seen = mark.get(next);
      if (seen === 'open')
        throw new Error(
          `${where}${next}: states can be entered more than once (a loop); the bound needs none`,
        );
      if (seen === undefined) {
        mark.set(next, 'open');
        stack.push({ name: next, next: successors(states[next]) });
      }
    }
  }
}
