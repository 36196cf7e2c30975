import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  ListStateMachineVersionsCommand,
  SFNClient,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSfnWorkflowRegistry,
  stateMachineNameOf,
} from '../../../../lambdas/adapters/aws/sfn-workflow-registry.js';

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

const ARN_PREFIX = 'arn:aws:states:eu-central-1:123456789012:stateMachine:';
const options = {
  namePrefix: 'Kairos-prod',
  arnPrefix: ARN_PREFIX,
  roleArn: 'arn:aws:iam::123456789012:role/kairos-dag',
  logGroupArn: 'arn:aws:logs:eu-central-1:123456789012:log-group:/kairos/prod/dags:*',
  keepVersions: 2,
  warn: () => undefined,
};
const registry = () => createSfnWorkflowRegistry({ client: new SFNClient({}), ...options });
const notFound = () => new StateMachineDoesNotExist({ message: 'no', $metadata: {} });
const DEFINITION = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } });
const versionArn = (n: number) => `${ARN_PREFIX}Kairos-prod_job_1:${n}`;

describe('Step Functions workflow registry', () => {
  it('updates the state machine in place and publishes, with logging ALL and tracing', async () => {
    sfn
      .on(UpdateStateMachineCommand)
      .resolves({ updateDate: new Date(), stateMachineVersionArn: versionArn(3) });
    sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
    await expect(registry().publish('job_1', 3, DEFINITION)).resolves.toBe(versionArn(3));
    expect(sfn.commandCalls(UpdateStateMachineCommand)[0].args[0].input).toEqual({
      stateMachineArn: `${ARN_PREFIX}Kairos-prod_job_1`,
      definition: DEFINITION,
      roleArn: options.roleArn,
      loggingConfiguration: {
        level: 'ALL',
        includeExecutionData: true,
        destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: options.logGroupArn } }],
      },
      tracingConfiguration: { enabled: true },
      publish: true,
      versionDescription: 'Kairos job job_1 version 3',
    });
    expect(sfn.commandCalls(CreateStateMachineCommand)).toHaveLength(0);
  });

  it('creates a STANDARD state machine the first time, and updates when a concurrent publish created it', async () => {
    sfn
      .on(UpdateStateMachineCommand)
      .rejectsOnce(notFound())
      .resolves({
        updateDate: new Date(),
        stateMachineVersionArn: versionArn(1),
      });
    sfn.on(CreateStateMachineCommand).resolves({
      stateMachineArn: `${ARN_PREFIX}Kairos-prod_job_1`,
      creationDate: new Date(),
      stateMachineVersionArn: versionArn(1),
    });
    sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
    await expect(registry().publish('job_1', 1, DEFINITION)).resolves.toBe(versionArn(1));
    expect(sfn.commandCalls(CreateStateMachineCommand)[0].args[0].input).toMatchObject({
      name: 'Kairos-prod_job_1',
      type: 'STANDARD',
      publish: true,
      tracingConfiguration: { enabled: true },
      loggingConfiguration: { level: 'ALL', includeExecutionData: true },
    });

    sfn.reset();
    sfn
      .on(UpdateStateMachineCommand)
      .rejectsOnce(notFound())
      .resolves({
        updateDate: new Date(),
        stateMachineVersionArn: versionArn(2),
      });
    sfn
      .on(CreateStateMachineCommand)
      .rejects(new StateMachineAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
    await expect(registry().publish('job_1', 2, DEFINITION)).resolves.toBe(versionArn(2));
    expect(sfn.commandCalls(UpdateStateMachineCommand)).toHaveLength(2);
  });

  it('keeps the newest versions only (runs still executing on a deleted version finish)', async () => {
    sfn
      .on(UpdateStateMachineCommand)
      .resolves({ updateDate: new Date(), stateMachineVersionArn: versionArn(5) });
    sfn
      .on(ListStateMachineVersionsCommand)
      .resolvesOnce({
        stateMachineVersions: [5, 4, 3].map((n) => ({
          stateMachineVersionArn: versionArn(n),
          creationDate: new Date(),
        })),
        nextToken: 'more',
      })
      .resolves({
        stateMachineVersions: [2].map((n) => ({
          stateMachineVersionArn: versionArn(n),
          creationDate: new Date(),
        })),
      });
    await registry().publish('job_1', 5, DEFINITION);
    expect(
      sfn.commandCalls(DeleteStateMachineVersionCommand).map((c) => c.args[0].input.stateMachineVersionArn),
    ).toEqual([versionArn(3), versionArn(2)]);
  });

  it('still returns the published version when pruning fails, and removes idempotently', async () => {
    sfn
      .on(UpdateStateMachineCommand)
      .resolves({ updateDate: new Date(), stateMachineVersionArn: versionArn(7) });
    sfn.on(ListStateMachineVersionsCommand).rejects(new Error('throttled'));
    await expect(registry().publish('job_1', 7, DEFINITION)).resolves.toBe(versionArn(7));
    sfn.on(DeleteStateMachineCommand).rejects(notFound());
    await expect(registry().remove('job_1')).resolves.toBeUndefined();
    sfn.on(DeleteStateMachineCommand).rejects(new Error('AccessDenied'));
    await expect(registry().remove('job_1')).rejects.toThrow('AccessDenied');
  });

  it('names are valid Step Functions names, distinct for distinct job ids', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 128 }),
        fc.string({ minLength: 1, maxLength: 128 }),
        (a, b) => {
          const name = stateMachineNameOf('Kairos-prod', a);
          expect(name).toMatch(/^[0-9A-Za-z_-]{1,80}$/);
          if (a !== b) expect(stateMachineNameOf('Kairos-prod', b)).not.toBe(name);
          expect(name.startsWith('Kairos-prod_')).toBe(true);
        },
      ),
    );
  });
});
