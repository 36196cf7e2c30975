import type { EventBridgeEvent } from 'aws-lambda';
import { ecsTaskEventToCompletion } from '../adapters/aws/ecs-task-events.js';
import { sfnStatusEventToCompletion } from '../adapters/aws/sfn-events.js';
import { handleCompletion } from '../services/dispatch/completion.js';
import { buildAwsEngine } from './aws-engine.js';

/** EventBridge target for "ECS Task State Change" and "Step Functions Execution Status Change" events. */
const { deps } = buildAwsEngine();

export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const completion =
    event.source === 'aws.ecs' ? ecsTaskEventToCompletion(event) : sfnStatusEventToCompletion(event);
  if (completion) await handleCompletion(deps, completion);
};
