/** `TaskTokens` on Step Functions: SendTaskSuccess, with a spent or expired token reported, not thrown. */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskTokens } from '../../ports.js';

/**
 * Errors of a token that can no longer be resumed: released already (two latch calls both saw the deps end),
 * or its state ended (timed out, run stopped). Either way there is nothing left to resume.
 */
const SPENT = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export function createSfnTaskTokens(client: SFNClient): TaskTokens {
  return {
    async succeed(token, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
        return true;
      } catch (error) {
        if (SPENT.has((error as { name?: unknown }).name as string)) return false;
        throw error;
      }
    },
  };
}
