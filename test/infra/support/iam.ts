/** What the IAM tests share: the statement shape, a configuration of targets of every kind, statement lookups. */
import type { Template } from 'aws-cdk-lib/assertions';
import { resourcesOfType } from './template.js';

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

/** A statement's actions, as a list whether the template wrote one or several. */
export const actionsOf = (s: Statement): string[] => [s.Action].flat();

/** The statements that allow `action`. */
export const withAction = (statements: readonly Statement[], action: string): Statement[] =>
  statements.filter((s) => actionsOf(s).includes(action));

/** Every statement of the policies attached to the role whose logical id starts with `rolePrefix`. */
export function statementsOf(template: Template, rolePrefix: string): Statement[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${rolePrefix}`))
    .flatMap(
      (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
    );
}
