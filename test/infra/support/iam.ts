/** What the IAM tests share: the statement shape and a configuration of targets of every kind. */

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: unknown;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export const FUNCTIONS = [
  'arn:aws:lambda:eu-west-1:123456789012:function:reports-*',
  'arn:aws:lambda:eu-west-1:123456789012:function:billing:live',
];
export const STATE_MACHINES = ['arn:aws:states:eu-west-1:123456789012:stateMachine:etl-*'];
export const EXECUTIONS = ['arn:aws:states:eu-west-1:123456789012:execution:etl-*:*'];
export const TASK_DEFINITIONS = ['arn:aws:ecs:eu-west-1:123456789012:task-definition/batch-*'];
export const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/jobs';
export const TASKS = 'arn:aws:ecs:eu-west-1:123456789012:task/jobs/*';
export const TASK_ROLES = ['arn:aws:iam::123456789012:role/batch-*'];
