import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createAwsExecutors } from '../../../../lambdas/adapters/aws/aws-executors.js';
import { createLocalExecutors } from '../../../../lambdas/adapters/executors/local-executors.js';
import { EMPTY_ALLOW_LIST } from '../../../../lambdas/core/ssrf.js';

const clients = {
  lambda: new LambdaClient({ region: 'us-east-1' }),
  ecs: new ECSClient({ region: 'us-east-1' }),
  sfn: new SFNClient({ region: 'us-east-1' }),
};

describe('executor sets', () => {
  it('runs http, command and local Lambda targets locally', () => {
    const executors = createLocalExecutors({ home: '/tmp/kairos-home', allowList: EMPTY_ALLOW_LIST });

    expect(Object.keys(executors).sort()).toEqual(['command', 'http', 'lambda']);
  });

  it('runs Fargate on AWS only when a cluster is configured, and never commands', () => {
    const without = createAwsExecutors({ ...clients, fargate: undefined, allowList: EMPTY_ALLOW_LIST });
    const withFargate = createAwsExecutors({
      ...clients,
      fargate: { cluster: 'kairos', subnets: ['subnet-a'], securityGroups: ['sg-1'] },
      allowList: EMPTY_ALLOW_LIST,
    });

    expect(Object.keys(without).sort()).toEqual(['http', 'lambda', 'stepfunctions']);
    expect(Object.keys(withFargate).sort()).toEqual(['fargate', 'http', 'lambda', 'stepfunctions']);
    expect(withFargate.fargate?.stop).toBeTypeOf('function');
  });
});
