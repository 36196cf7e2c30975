import type { Node } from 'constructs';

/** The CDK context key that reserves concurrency for the dispatcher, the watcher and the completion function. */
export const RESERVE_CONCURRENCY_KEY = 'kairos:reserveConcurrency';

/**
 * Whether the stack reserves concurrency for the functions that keep the engine going (context
 * `kairos:reserveConcurrency`, `true` or `false`, default `false`). Off by default because Lambda keeps 100 of an
 * account's concurrency unreserved: on an account at a low limit any reservation fails the deploy. See the README.
 * @throws Error naming the key and its allowed values when the value is neither.
 */
export function readReserveConcurrency(node: Node): boolean {
  const raw: unknown = node.tryGetContext(RESERVE_CONCURRENCY_KEY);
  if (raw === undefined || raw === false || raw === 'false') return false;
  if (raw === true || raw === 'true') return true;
  throw new Error(
    `Invalid CDK context value for '${RESERVE_CONCURRENCY_KEY}': got ${JSON.stringify(raw)}; allowed: true or ` +
      'false (default false)',
    { cause: { key: RESERVE_CONCURRENCY_KEY } },
  );
}
