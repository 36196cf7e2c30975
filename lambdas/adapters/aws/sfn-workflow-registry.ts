/**
 * The workflow registry on Step Functions: one STANDARD state machine per DAG job, named after the job, updated
 * in place and published as a version per job version (ARCHITECTURE.md "DAGs on Step Functions"). Logging (ALL,
 * with execution data) and X-Ray tracing are set on every update, so no state machine escapes them.
 */
import { createHash } from 'node:crypto';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  ListStateMachineVersionsCommand,
  type LoggingConfiguration,
  type SFNClient,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import type { WorkflowRegistry } from '../../ports.js';

export interface SfnWorkflowRegistryOptions {
  readonly client: SFNClient;
  /** Prefix of every state machine name, `Kairos-<stage>` (see {@link stateMachineNameOf}). */
  readonly namePrefix: string;
  /** `arn:aws:states:<region>:<account>:stateMachine:` — where the named state machines live. */
  readonly arnPrefix: string;
  /** The role every DAG state machine runs with (it may invoke the configured targets only). */
  readonly roleArn: string;
  /** CloudWatch Logs log group (ARN ending in `:*`) for execution history. */
  readonly logGroupArn: string;
  /** Published versions kept per state machine (Step Functions allows 1,000). @default 100 */
  readonly keepVersions?: number;
  /** Where a failed clean-up of old versions is reported. @default console.warn */
  readonly warn?: (message: string, error: unknown) => void;
}

/** State machine names: 1-80 characters of `[0-9A-Za-z_-]`. */
const NAME_MAX = 80;
const NAME_CHARS = /^[0-9A-Za-z_-]+$/;

/**
 * The state machine name of a job: `<prefix>_<jobId>` when it fits, else `<prefix>__<sha256(jobId) base64url>`
 * (a plain id never starts with `_`, so the two forms never meet). With the prefix `Kairos-<stage>` (stage names
 * have no `_`) the names of one stage never match another stage's `Kairos-<stage>_*`, nor the `kairos-*` default
 * pattern of user targets (IAM matching is case-sensitive).
 */
export function stateMachineNameOf(namePrefix: string, jobId: string): string {
  const plain = `${namePrefix}_${jobId}`;
  if (plain.length <= NAME_MAX && NAME_CHARS.test(jobId) && !jobId.startsWith('_')) return plain;
  return `${namePrefix}__${createHash('sha256').update(jobId, 'utf8').digest('base64url')}`.slice(
    0,
    NAME_MAX,
  );
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;
}

export function createSfnWorkflowRegistry(options: SfnWorkflowRegistryOptions): WorkflowRegistry {
  const { client, namePrefix, arnPrefix, roleArn } = options;
  const keep = options.keepVersions ?? 100;
  const warn = options.warn ?? ((message, error) => console.warn(message, error));
  const loggingConfiguration: LoggingConfiguration = {
    level: 'ALL',
    includeExecutionData: true,
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: options.logGroupArn } }],
  };
  const tracingConfiguration = { enabled: true };
  const arnOf = (jobId: string) => `${arnPrefix}${stateMachineNameOf(namePrefix, jobId)}`;

  const update = async (stateMachineArn: string, definition: string, description: string) => {
    const out = await client.send(
      new UpdateStateMachineCommand({
        stateMachineArn,
        definition,
        roleArn,
        loggingConfiguration,
        tracingConfiguration,
        publish: true,
        versionDescription: description,
      }),
    );
    return out.stateMachineVersionArn;
  };

  /** Deletes the oldest versions beyond `keep`; runs still executing on them finish (Step Functions lets them). */
  const prune = async (stateMachineArn: string) => {
    const versions: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListStateMachineVersionsCommand({ stateMachineArn, nextToken }));
      versions.push(...(page.stateMachineVersions ?? []).map((v) => v.stateMachineVersionArn ?? ''));
      nextToken = page.nextToken;
    } while (nextToken);
    // Listed newest first.
    for (const arn of versions.slice(keep)) {
      if (arn) await client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: arn }));
    }
  };

  return {
    async publish(jobId, jobVersion, definition) {
      const stateMachineArn = arnOf(jobId);
      const description = `Kairos job ${jobId} version ${jobVersion}`.slice(0, 256);
      let versionArn: string | undefined;
      try {
        versionArn = await update(stateMachineArn, definition, description);
      } catch (error) {
        if (errorName(error) !== 'StateMachineDoesNotExist') throw error;
        try {
          const out = await client.send(
            new CreateStateMachineCommand({
              name: stateMachineNameOf(namePrefix, jobId),
              definition,
              roleArn,
              type: 'STANDARD',
              loggingConfiguration,
              tracingConfiguration,
              publish: true,
              versionDescription: description,
            }),
          );
          versionArn = out.stateMachineVersionArn;
        } catch (createError) {
          // Created meanwhile by a concurrent publish (another version of the definition): update it to ours.
          if (errorName(createError) !== 'StateMachineAlreadyExists') throw createError;
          versionArn = await update(stateMachineArn, definition, description);
        }
      }
      if (!versionArn) throw new Error(`Step Functions published no version for job ${jobId}.`);
      // Best effort: an unpruned version costs nothing but counts toward the 1,000-version quota.
      await prune(stateMachineArn).catch((error: unknown) =>
        warn(`could not prune old versions of ${stateMachineArn}`, error),
      );
      return versionArn;
    },
    async remove(jobId) {
      try {
        await client.send(new DeleteStateMachineCommand({ stateMachineArn: arnOf(jobId) }));
      } catch (error) {
        if (errorName(error) !== 'StateMachineDoesNotExist') throw error;
      }
    },
  };
}
