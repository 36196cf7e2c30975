import { describe, expect, it } from 'vitest';
import { formatFields, formatTable, truncate } from '../../../bin/cli/table.js';

interface Row {
  name: string;
  status?: string;
  note?: string;
}

const columns = [
  { header: 'NAME', value: (r: Row) => r.name },
  { header: 'STATUS', value: (r: Row) => r.status },
  { header: 'NOTE', value: (r: Row) => r.note, maxWidth: 10 },
];

describe('formatTable', () => {
  it('pads every column to its widest cell, two spaces apart, with no trailing spaces', () => {
    const text = formatTable(columns, [
      { name: 'nightly-report', status: 'ACTIVE', note: 'ok' },
      { name: 'a', status: 'PAUSED', note: 'x' },
    ]);
    expect(text).toBe(
      ['NAME            STATUS  NOTE', 'nightly-report  ACTIVE  ok', 'a               PAUSED  x'].join('\n'),
    );
  });

  it('shows a missing value as -, or as the column says', () => {
    const text = formatTable(
      [...columns.slice(0, 2), { header: 'DST', value: () => undefined, empty: '' }],
      [{ name: 'a' }],
    );
    expect(text).toBe('NAME  STATUS  DST\na     -');
  });

  it('cuts long cells with … and flattens newlines and tabs, so rows stay one line', () => {
    const text = formatTable(columns, [{ name: 'a', status: 'FAILED', note: 'line one\n\tline two' }]);
    expect(text.split('\n')[1]).toBe('a     FAILED  line one…');
  });

  it('prints just the header for no rows', () => {
    expect(formatTable(columns, [])).toBe('NAME  STATUS  NOTE');
  });

  it('counts characters, not UTF-16 units, when aligning', () => {
    const text = formatTable(columns.slice(0, 2), [
      { name: 'zürich-🕑', status: 'A' },
      { name: 'b', status: 'B' },
    ]);
    const [, first, second] = text.split('\n');
    expect(first.indexOf('A')).toBe([...'zürich-🕑'].length + 2 + 1);
    expect([...first].indexOf('A')).toBe([...second].indexOf('B'));
  });
});

describe('truncate', () => {
  it('keeps text that fits and ends cut text with …', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
  });
});

describe('formatFields', () => {
  it('aligns values after the keys and leaves out undefined ones', () => {
    expect(
      formatFields([
        ['Name', 'nightly-report'],
        ['Tags', undefined],
        ['Next run', '2026-11-25 01:00:00Z'],
      ]),
    ).toBe('Name:      nightly-report\nNext run:  2026-11-25 01:00:00Z');
  });
});
