/**
 * The local runtime's workflow registry: each DAG job's published versions as files under
 * `<home>/workflows/<jobId>/<version>.json` (a definition can reach 1 MB, beyond an item of the embedded
 * DynamoDB), named with version ARNs shaped like Step Functions' so runs record the same kind of reference.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowRegistry } from '../../ports.js';
import { stateMachineNameOf } from '../aws/sfn-workflow-registry.js';

const ARN_PREFIX = 'arn:aws:states:local:000000000000:stateMachine:';
const VERSION_ARN = /^arn:aws:states:local:000000000000:stateMachine:[0-9A-Za-z_-]+:(\d+)$/;

export interface LocalWorkflowRegistry extends WorkflowRegistry {
  /** The definition a version ARN names, as published. */
  definitionOf(versionArn: string): Promise<string>;
}

export interface LocalWorkflowRegistryOptions {
  /** `$KAIROS_HOME`. */
  readonly home: string;
}

/** Job ids are `[A-Za-z0-9_-]`-ish but come from users: the file name uses the state machine name instead. */
const PREFIX = 'Kairos-local';

export function createLocalWorkflowRegistry(options: LocalWorkflowRegistryOptions): LocalWorkflowRegistry {
  const root = join(options.home, 'workflows');
  const dirOf = (name: string) => join(root, name);
  const parse = (versionArn: string): { name: string; version: string } => {
    const match = VERSION_ARN.exec(versionArn);
    if (!match) throw new Error(`Not a local state machine version ARN: '${versionArn}'`);
    const name = versionArn.slice(ARN_PREFIX.length, versionArn.lastIndexOf(':'));
    return { name, version: match[1] };
  };
  return {
    async publish(jobId, jobVersion, definition) {
      const name = stateMachineNameOf(PREFIX, jobId);
      await mkdir(dirOf(name), { recursive: true });
      const file = join(dirOf(name), `${jobVersion}.json`);
      // A version is immutable: publishing the same job version again keeps what was published first. Written
      // aside and linked into place, so a crash never leaves half a definition under the version's name.
      const aside = join(dirOf(name), `.${randomUUID()}.tmp`);
      await writeFile(aside, definition);
      try {
        await link(aside, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        await unlink(aside);
      }
      return `${ARN_PREFIX}${name}:${jobVersion}`;
    },
    async remove(jobId) {
      await rm(dirOf(stateMachineNameOf(PREFIX, jobId)), { recursive: true, force: true });
    },
    async definitionOf(versionArn) {
      const { name, version } = parse(versionArn);
      return readFile(join(dirOf(name), `${version}.json`), 'utf8');
    },
  };
}
