import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Artifacts } from '../../../../lambdas/adapters/aws/s3-artifacts.js';

const client = new S3Client({ region: 'us-east-1' });
const mock = mockClient(client);
afterEach(() => mock.reset());

const artifacts = createS3Artifacts({ client, bucket: 'kairos-artifacts' });
/** The part of the SDK's streaming body the store uses (the real one needs a non-hoisted @smithy package). */
const streamOf = (text: string) =>
  ({
    transformToString: async (encoding?: string) => Buffer.from(text).toString(encoding as BufferEncoding),
  }) as never;

const ref = { jobId: 'job_1', runId: 'run_1', attempt: 2 };

describe('S3 artifacts', () => {
  it('puts the log and the output with their content types and returns the keys', async () => {
    mock.on(PutObjectCommand).resolves({});

    const keys = await artifacts.putAttempt(ref, { log: 'hello\n', output: { rows: 42 } });

    expect(keys).toEqual({
      logKey: 'runs/job_1/run_1/2/log.txt',
      outputKey: 'runs/job_1/run_1/2/output.json',
    });
    const inputs = mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      {
        Bucket: 'kairos-artifacts',
        Key: 'runs/job_1/run_1/2/log.txt',
        Body: 'hello\n',
        ContentType: 'text/plain; charset=utf-8',
      },
      {
        Bucket: 'kairos-artifacts',
        Key: 'runs/job_1/run_1/2/output.json',
        Body: '{"rows":42}',
        ContentType: 'application/json',
      },
    ]);
  });

  it('writes no output object when there is no output', async () => {
    mock.on(PutObjectCommand).resolves({});

    expect(await artifacts.putAttempt(ref, { log: '' })).toEqual({ logKey: 'runs/job_1/run_1/2/log.txt' });
    expect(mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('reads a log back as text, and a missing one as undefined', async () => {
    mock
      .on(GetObjectCommand)
      .resolvesOnce({ Body: streamOf('the log ✓\n') })
      .rejectsOnce(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    expect(await artifacts.getLog(ref)).toBe('the log ✓\n');
    expect(await artifacts.getLog(ref)).toBeUndefined();
    expect(mock.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'kairos-artifacts',
      Key: 'runs/job_1/run_1/2/log.txt',
    });
  });

  it('passes other errors on and refuses ids that are not one path segment', async () => {
    mock.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    await expect(artifacts.getLog(ref)).rejects.toThrow('Access Denied');
    await expect(artifacts.getLog({ ...ref, runId: '../x' })).rejects.toThrow(
      /Not a valid attempt reference/,
    );
  });

  it("writes a DAG task's file under runs/<runId>/<attempt>/tasks/ and answers its s3:// pointer", async () => {
    mock.on(PutObjectCommand).resolves({});
    mock.on(GetObjectCommand).resolves({ Body: streamOf('task log\n') });
    const task = { runId: 'run_1', attempt: 2, taskId: 'load-2' };

    expect(await artifacts.putTaskFile(task, 'output.json', '{"a":"é"}')).toEqual({
      uri: 's3://kairos-artifacts/runs/run_1/2/tasks/load-2/output.json',
      key: 'runs/run_1/2/tasks/load-2/output.json',
      bytes: 10,
    });
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'kairos-artifacts',
      Key: 'runs/run_1/2/tasks/load-2/output.json',
      ContentType: 'application/json',
    });
    expect(await artifacts.getTaskLog(task)).toBe('task log\n');
    expect(mock.commandCalls(GetObjectCommand)[0]!.args[0].input.Key).toBe(
      'runs/run_1/2/tasks/load-2/log.txt',
    );
    await expect(artifacts.putTaskFile({ ...task, taskId: '../x' }, 'log.txt', '')).rejects.toThrow(
      /Not a valid task artifact reference/,
    );
  });
});
