/** Run once, as soon as the job is created. */
export interface ImmediateSchedule {
  readonly type: 'immediate';
}

/** Run once at an ISO-8601 instant. */
export interface AtSchedule {
  readonly type: 'at';
  readonly at: string;
}

/** 5-field Unix cron evaluated in an IANA timezone with EventBridge Scheduler DST semantics. */
export interface CronSchedule {
  readonly type: 'cron';
  readonly expression: string;
  /** IANA zone. @default 'UTC' */
  readonly timezone?: string;
  readonly startAt?: string;
  readonly endAt?: string;
}

/** Fixed interval such as `"5 minutes"`, anchored at `startAt` (or the job's creation time). */
export interface RateSchedule {
  readonly type: 'rate';
  readonly every: string;
  readonly startAt?: string;
  readonly endAt?: string;
}

export type Schedule = ImmediateSchedule | AtSchedule | CronSchedule | RateSchedule;
