/** `Artifacts` on S3: one object per attempt log and output, under `runs/<jobId>/<runId>/<attempt>/`. */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Artifacts } from '../../ports.js';
import { attemptKeys, taskFileKey } from '../artifact-keys.js';

export interface S3ArtifactsOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/** Creates the S3 artifact store. Reading a missing log needs `s3:ListBucket` to see NoSuchKey, not AccessDenied. */
export function createS3Artifacts(options: S3ArtifactsOptions): Artifacts {
  const { client, bucket: Bucket } = options;
  const getText = async (Key: string): Promise<string | undefined> => {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket, Key }));
      return res.Body === undefined ? undefined : await res.Body.transformToString('utf-8');
    } catch (error) {
      if ((error as { name?: unknown }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };
  return {
    async putAttempt(ref, files) {
      const { logKey, outputKey } = attemptKeys(ref);
      const puts = [
        client.send(
          new PutObjectCommand({
            Bucket,
            Key: logKey,
            Body: files.log,
            ContentType: 'text/plain; charset=utf-8',
          }),
        ),
      ];
      if (files.output !== undefined) {
        const Body = JSON.stringify(files.output);
        puts.push(
          client.send(
            new PutObjectCommand({ Bucket, Key: outputKey, Body, ContentType: 'application/json' }),
          ),
        );
      }
      await Promise.all(puts);
      return files.output === undefined ? { logKey } : { logKey, outputKey };
    },

    getLog: async (ref) => getText(attemptKeys(ref).logKey),

    async putTaskFile(ref, file, body) {
      const Key = taskFileKey(ref, file);
      const ContentType = file === 'log.txt' ? 'text/plain; charset=utf-8' : 'application/json';
      await client.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType }));
      return { uri: `s3://${Bucket}/${Key}`, key: Key, bytes: Buffer.byteLength(body) };
    },

    getTaskLog: async (ref) => getText(taskFileKey(ref, 'log.txt')),
  };
}
