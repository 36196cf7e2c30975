/** `Artifacts` on disk for the local runtime: files under `<root>/runs/<jobId>/<runId>/<attempt>/`. */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Artifacts } from '../../ports.js';
import { attemptKeys, taskFileKey } from '../artifact-keys.js';

export interface DiskArtifactsOptions {
  /** Directory the keys are relative to (`$KAIROS_HOME/artifacts`). */
  readonly root: string;
}

/** Writes via a temporary file and a rename, so a reader or a crash never sees half a file. */
async function writeAtomically(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, data, 'utf8');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Creates the on-disk artifact store. */
export function createDiskArtifacts(options: DiskArtifactsOptions): Artifacts {
  const at = (key: string) => path.join(options.root, ...key.split('/'));
  const readText = async (key: string): Promise<string | undefined> => {
    try {
      return await readFile(at(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  return {
    async putAttempt(ref, files) {
      const { logKey, outputKey } = attemptKeys(ref);
      await writeAtomically(at(logKey), files.log);
      if (files.output === undefined) return { logKey };
      await writeAtomically(at(outputKey), JSON.stringify(files.output));
      return { logKey, outputKey };
    },

    getLog: async (ref) => readText(attemptKeys(ref).logKey),

    async putTaskFile(ref, file, body) {
      const key = taskFileKey(ref, file);
      await writeAtomically(at(key), body);
      return { uri: pathToFileURL(path.resolve(at(key))).href, key, bytes: Buffer.byteLength(body) };
    },

    getTaskLog: async (ref) => readText(taskFileKey(ref, 'log.txt')),
  };
}
