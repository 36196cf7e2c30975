import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSnsAlerts } from '../../../../lambdas/adapters/aws/sns-alerts.js';

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

describe('SNS alerts', () => {
  it('publishes one message per miss to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const miss = {
      runId: 'run_1',
      jobId: 'job_1',
      kind: 'finish' as const,
      deadline: '2030-01-01T00:00:02.000Z',
      detectedAt: '2030-01-01T00:00:02.100Z',
    };
    await createSnsAlerts({
      client: new SNSClient({}),
      topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
    }).slaMissed(miss);
    const input = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(input.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:alerts');
    expect(input.Subject).toBe('Kairos SLA missed: finish of run run_1');
    expect(JSON.parse(input.Message!)).toEqual({ type: 'SlaMissed', ...miss });
  });
});
