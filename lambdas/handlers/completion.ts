import type { Context, EventBridgeEvent } from 'aws-lambda';
import { ecsTaskEventToCompletion } from '../adapters/aws/ecs-task-events.js';
import { sfnStatusEventToCompletion } from '../adapters/aws/sfn-events.js';
import { handleCompletion } from '../services/dispatch/completion.js';
import { buildAwsEngine } from './aws-engine.js';

/**
 * EventBridge target for "ECS Task State Change" and "Step Functions Execution Status Change" events. A thrown
 * error makes Lambda retry the event, then put it in the stack's event dead-letter queue.
 */
const { deps, lambdaLog } = buildAwsEngine();

export const handler = async (event: EventBridgeEvent<string, unknown>, context: Context): Promise<void> => {
  lambdaLog.logger.addContext(context);
  const completion =
    event.source === 'aws.ecs' ? ecsTaskEventToCompletion(event) : sfnStatusEventToCompletion(event);
  if (completion) await handleCompletion(deps, completion);
};
