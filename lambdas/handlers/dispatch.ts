import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type DispatchMessage, parseDispatchMessage } from '../core/messages.js';
import { createDispatcher } from '../services/dispatch/dispatcher.js';
import { buildAwsEngine } from './aws-engine.js';

/** SQS consumer of the three lane queues; partial batch responses so one failure never redelivers the rest. */
const { deps, lambdaLog } = buildAwsEngine();
const dispatcher = createDispatcher(deps);

async function handleRecord(record: SQSRecord): Promise<void> {
  let message: DispatchMessage;
  try {
    message = parseDispatchMessage(record.body);
  } catch (error) {
    // A poison message can never succeed: record it with the reason and let SQS delete it.
    await deps.deadLetters.record({
      reason: `unparseable message: ${(error as Error).message}`,
      body: record.body,
    });
    return;
  }
  await dispatcher.handle(message);
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  lambdaLog.logger.addContext(context);
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map((record) =>
      handleRecord(record).catch((error: unknown) => {
        lambdaLog.log({ level: 'ERROR', message: 'dispatch failed', messageId: record.messageId, error });
        failures.push({ itemIdentifier: record.messageId });
      }),
    ),
  );
  return { batchItemFailures: failures };
};
