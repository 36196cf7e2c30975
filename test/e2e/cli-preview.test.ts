import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtCli, cliEnv, freePort, runCli } from './support/kairos-cli.js';

/** `kairos preview` of the built CLI: computed locally, so no runtime runs (and none is reachable). */
const preview = async (...args: string[]) =>
  runCli(['preview', ...args], { env: { KAIROS_PORT: String(await freePort()) } });

describe('kairos preview', () => {
  it('prints local time, UTC and the DST change of a spring-forward day that has no 02:00', async () => {
    const res = await preview(
      '0 2 * * *',
      '--tz',
      'Europe/Berlin',
      '-n',
      '5',
      '--from',
      '2027-03-25T00:00:00Z',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(
      [
        'At 02:00 every day, Europe/Berlin',
        'LOCAL (Europe/Berlin)        UTC                   DST',
        'Thu 2027-03-25 02:00 +01:00  2027-03-25 01:00:00Z',
        'Fri 2027-03-26 02:00 +01:00  2027-03-26 01:00:00Z',
        'Sat 2027-03-27 02:00 +01:00  2027-03-27 01:00:00Z',
        '(2027-03-28)                                       clocks forward 60 min at 01:00Z; no fire that day',
        'Mon 2027-03-29 02:00 +02:00  2027-03-29 00:00:00Z',
        'Tue 2027-03-30 02:00 +02:00  2027-03-30 00:00:00Z',
        '',
      ].join('\n'),
    );
  });

  it('flags a fire time on a fall-back day, which fires once; -o json has the same facts', async () => {
    const human = await preview(
      '30 1 * * *',
      '--tz',
      'America/New_York',
      '-n',
      '2',
      '--from',
      '2026-10-31T12:00:00Z',
    );
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(
      'Sun 2026-11-01 01:30 -04:00  2026-11-01 05:30:00Z  clocks back 60 min at 06:00Z\n',
    );
    expect(human.stdout).toContain('Mon 2026-11-02 01:30 -05:00  2026-11-02 06:30:00Z\n');
    const machine = await preview(
      '30 1 * * *',
      '--tz',
      'America/New_York',
      '-n',
      '2',
      '--from',
      '2026-10-31T12:00:00Z',
      '-o',
      'json',
    );
    expect(JSON.parse(machine.stdout)).toEqual({
      expression: '30 1 * * *',
      timezone: 'America/New_York',
      description: 'At 01:30 every day, America/New_York',
      times: [
        {
          at: '2026-11-01T05:30:00.000Z',
          local: 'Sun 2026-11-01 01:30 -04:00',
          dst: { kind: 'back', shiftMinutes: 60, at: '2026-11-01T06:00:00.000Z' },
        },
        { at: '2026-11-02T06:30:00.000Z', local: 'Mon 2026-11-02 01:30 -05:00' },
      ],
      offsetChangesWithoutFire: [],
    });
  });

  it('defaults to 10 times in UTC from now', async () => {
    const res = await preview('*/5 * * * *');
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Every 5 minutes, UTC');
    expect(lines).toHaveLength(12);
    const first = Date.parse(`${lines[2].split(/ {2,}/)[1].replace(' ', 'T')}`);
    expect(first).toBeGreaterThan(Date.now() - 5_000);
    expect(first).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
  });

  it('a bad expression or zone is a usage error (exit 2) naming each problem', async () => {
    const res = await preview('0 25 * *', '--tz', 'Mars/Olympus');
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^kairos: invalid schedule "0 25 \* \*":\n {2}expression: .*4 fields/);
    expect(res.stderr).toContain("  --tz: 'Mars/Olympus' is not an IANA time zone name");
    expect(res.stderr).toContain('Usage: kairos preview');
    const outOfRange = await preview('0 25 * * *');
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('expression: ');
    const unquoted = await preview('0', '2', '*', '*', '*');
    expect(unquoted.code).toBe(2);
    expect(unquoted.stderr).toContain("unexpected argument '2'");
    const count = await preview('0 2 * * *', '-n', '0');
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--count must be a whole number from 1 to 1000');
    const from = await preview('0 2 * * *', '--from', 'tomorrow');
    expect(from.code).toBe(2);
  });

  it('stops quietly, exit 0, when the reader of its output goes away (kairos … | head)', async () => {
    const cli = await builtCli();
    const pipeline = `set -o pipefail; "${process.execPath}" "${cli}" preview "* * * * *" -n 1000 -o json | head -c 1 >/dev/null`;
    const child = spawn('bash', ['-c', pipeline], { env: cliEnv() });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
