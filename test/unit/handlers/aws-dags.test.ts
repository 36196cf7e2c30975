import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { dagSupportFromEnv } from '../../../lambdas/handlers/aws-dags.js';

const client = new SFNClient({ region: 'us-east-1' });
const env = {
  KAIROS_WORKFLOW_NAME_PREFIX: 'Kairos-dev_',
  KAIROS_WORKFLOW_ARN_PREFIX: 'arn:aws:states:us-east-1:123456789012:stateMachine:Kairos-dev_',
  KAIROS_WORKFLOW_ROLE_ARN: 'arn:aws:iam::123456789012:role/wf',
  KAIROS_WORKFLOW_LOG_GROUP_ARN: 'arn:aws:logs:us-east-1:123456789012:log-group:wf',
  KAIROS_LATCH_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:latch',
  KAIROS_HTTP_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:http',
};

describe('dagSupportFromEnv', () => {
  it('turns DAG support on with the functions the definitions call', () => {
    const support = dagSupportFromEnv({ ...env, KAIROS_FARGATE_CLUSTER: 'kairos' }, client);
    expect(support.workflows).toBeDefined();
    expect(support.dags?.stop).toBeTypeOf('function');
    expect(support.compileOptions).toMatchObject({
      latchFunctionArn: env.KAIROS_LATCH_FUNCTION_ARN,
      httpExecutorFunctionArn: env.KAIROS_HTTP_FUNCTION_ARN,
      fargate: { clusterArn: 'kairos', subnets: [], securityGroups: [] },
    });
  });

  it.each(Object.keys(env))('leaves DAG support off without %s (a stack from before)', (name) => {
    expect(dagSupportFromEnv({ ...env, [name]: undefined }, client)).toEqual({});
  });
});
