/** Plain-text tables and key/value blocks, the way kubectl and gh print them: no borders, two-space gaps. */

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string | undefined;
  /** Longer cells are cut with `…`. */
  readonly maxWidth?: number;
  /** Shown for a missing value. @default '-' */
  readonly empty?: string;
}

/** Characters a terminal shows for `text` (code points; good enough for the ASCII and Latin text we print). */
const width = (text: string) => [...text].length;

export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const kept = chars.slice(0, Math.max(0, max - 1)).join('');
  return `${kept.trimEnd()}…`;
}

/** Newlines and tabs inside a cell would break the grid: they become spaces. */
const oneLine = (text: string) => text.replace(/\s*[\r\n\t]+\s*/g, ' ');

/**
 * Rows under an upper-case header, columns left-aligned and padded to their widest cell; missing values show
 * as `-` (unless the column says otherwise) so a gap reads as "none", not as a misaligned cell. No trailing
 * spaces.
 */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const text = oneLine(c.value(row) ?? '') || (c.empty ?? '-');
      return c.maxWidth === undefined ? text : truncate(text, c.maxWidth);
    }),
  );
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i]))));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat(widths[i] - width(v))))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

/** `Key:  value` lines with the values aligned; undefined values are left out. */
export function formatFields(fields: readonly (readonly [string, string | undefined])[]): string {
  const shown = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  const keyWidth = Math.max(0, ...shown.map(([k]) => width(k))) + 1;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(keyWidth)}  ${v}`).join('\n');
}
