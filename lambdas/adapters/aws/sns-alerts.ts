import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alerts } from '../../ports.js';

export interface SnsAlertsOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
}

/** Alerts to the stack's SNS topic (e-mail and any other subscription a team adds). */
export function createSnsAlerts({ client, topicArn }: SnsAlertsOptions): Alerts {
  return {
    async slaMissed(miss) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: `Kairos SLA missed: ${miss.kind} of run ${miss.runId}`.slice(0, 100),
          Message: JSON.stringify({ type: 'SlaMissed', ...miss }),
          MessageAttributes: { type: { DataType: 'String', StringValue: 'SlaMissed' } },
        }),
      );
    },
  };
}
