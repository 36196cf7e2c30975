import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { validateJobDefinition } from '../../../lambdas/core/validate-job.js';
import { jobBody } from '../../e2e/support/local-api.js';

const now = new Date('2026-06-01T00:00:00Z');
const aws = { runtime: 'aws' as const, now };

function problemsOf(body: unknown, ctx = aws) {
  try {
    validateJobDefinition(body, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  throw new Error('expected the body to be rejected');
}

describe('validateJobDefinition', () => {
  it('accepts the API.md example and keeps it as given', () => {
    expect(validateJobDefinition(jobBody(), aws)).toEqual(jobBody());
  });

  it('fills the http method default', () => {
    const def = validateJobDefinition(jobBody({ target: { type: 'http', url: 'https://x.example/h' } }), aws);
    expect(def.target).toEqual({ type: 'http', url: 'https://x.example/h', method: 'POST' });
  });

  it('reports every problem with its JSON path', () => {
    const problems = problemsOf({
      ...jobBody(),
      name: 5,
      bogus: 1,
      priority: 'urgent',
      tags: { 'a:b': 'x' },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['$.bogus', '$.name', '$.priority', "$.tags['a:b']"].sort(),
    );
  });

  it('requires exactly one of target and tasks', () => {
    const { target: _t, ...noTarget } = jobBody();
    expect(problemsOf(noTarget)).toEqual([{ path: '$.target', message: expect.stringMatching(/target/) }]);
    const both = jobBody({ tasks: [{ id: 'a', target: { type: 'lambda', functionArn: 'fn' } }] });
    expect(problemsOf(both)[0].path).toBe('$.tasks');
  });

  it('refuses command targets on AWS and says why, but accepts them locally', () => {
    const body = jobBody({ target: { type: 'command', command: ['echo', 'hi'] } });
    expect(problemsOf(body)).toEqual([
      { path: '$.target.type', message: expect.stringMatching(/local runtime/) },
    ]);
    expect(validateJobDefinition(body, { runtime: 'local', now }).target?.type).toBe('command');
  });

  it('checks DAG ids, dependencies and cycles', () => {
    const task = (id: string, dependsOn: string[] = []) => ({
      id,
      target: { type: 'lambda', functionArn: 'fn' },
      dependsOn,
    });
    const { target: _t, ...base } = jobBody();
    expect(problemsOf({ ...base, tasks: [task('a'), task('a')] })[0]).toMatchObject({
      path: '$.tasks[1].id',
    });
    expect(problemsOf({ ...base, tasks: [task('a', ['zz'])] })[0]).toMatchObject({
      path: '$.tasks[0].dependsOn[0]',
    });
    const cycle = problemsOf({ ...base, tasks: [task('a', ['c']), task('b', ['a']), task('c', ['b'])] });
    expect(cycle[0].message).toMatch(/cycle: a -> c -> b -> a/);
    expect(problemsOf({ ...base, tasks: [task('a'), task('b', ['a', 'a'])] })).toEqual([
      { path: '$.tasks[1].dependsOn[1]', message: "task 'b' already depends on 'a'" },
    ]);
  });

  it('checks DAG limits and names the task over them', () => {
    const { target: _t, ...base } = jobBody();
    const roots = Array.from({ length: 40 }, (_, i) => ({
      id: `r${i}`,
      target: { type: 'lambda', functionArn: 'fn' },
    }));
    const join = {
      id: 'join',
      target: { type: 'lambda', functionArn: 'fn' },
      dependsOn: roots.map((r) => r.id),
    };
    expect(problemsOf({ ...base, tasks: [...roots, join] })).toEqual([
      {
        path: '$.tasks[40].dependsOn',
        message: expect.stringMatching(/task 'join' depends on 40 tasks; at most 32/),
      },
    ]);
  });

  it('checks retry and SLA consistency', () => {
    expect(problemsOf(jobBody({ retry: { initialDelaySeconds: 60, maxDelaySeconds: 10 } }))[0].path).toBe(
      '$.retry.maxDelaySeconds',
    );
    expect(problemsOf(jobBody({ sla: { startWithinSeconds: 60, finishWithinSeconds: 30 } }))[0].path).toBe(
      '$.sla.finishWithinSeconds',
    );
  });

  it('accepts a catch-up policy on recurring jobs only, within bounds', () => {
    const catchup = { window: 3600, maxRuns: 3 };
    expect(validateJobDefinition(jobBody({ catchup }), aws).catchup).toEqual(catchup);
    expect(problemsOf(jobBody({ catchup, schedule: { type: 'immediate' } }))).toEqual([
      { path: '$.catchup', message: expect.stringContaining('cron and rate') },
    ]);
    const bad = problemsOf(jobBody({ catchup: { window: 0, maxRuns: 101, extra: true } }));
    expect(bad.map((p) => p.path).sort()).toEqual(
      ['$.catchup.extra', '$.catchup.maxRuns', '$.catchup.window'].sort(),
    );
    expect(problemsOf(jobBody({ catchup: { maxRuns: 2 } })).map((p) => p.path)).toEqual(['$.catchup.window']);
  });

  it('skips "in the past" rules when no instant is given (unchanged schedule on PATCH)', () => {
    const past = jobBody({ schedule: { type: 'at', at: '2026-01-01T00:00:00Z' } });
    expect(problemsOf(past)[0].path).toBe('$.schedule.at');
    expect(validateJobDefinition(past, { runtime: 'aws', now: undefined }).schedule.type).toBe('at');
  });

  it('rejects non-objects at the root', () => {
    for (const body of [null, 5, 'job', [], true]) expect(problemsOf(body)[0].path).toBe('$');
  });
});
