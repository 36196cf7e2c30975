import type { ApiClient } from './api.js';
import type { Me } from './api-types.js';
import type { Scope } from './scope.js';

/** What every page gets: the API, who is signed in, its own scope, and the shared live regions. */
export interface PageContext {
  readonly api: ApiClient;
  /** Undefined when the API could not say (an older API without `GET /v1/me`): the API decides each call. */
  readonly me: Me | undefined;
  readonly scope: Scope;
  /** Announces a finished action (polite live region). */
  notify(text: string): void;
  /** Shows a failed action's error (assertive live region). */
  fail(error: unknown): void;
}

/** Whether the buttons that change runs (pause, resume, run now, cancel, retry) are for this user. */
export function canOperate(me: Me | undefined): boolean {
  return me === undefined || me.role === 'operator' || me.role === 'admin';
}
