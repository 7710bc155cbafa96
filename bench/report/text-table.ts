// Two renderings of one table: GitHub markdown for docs/benchmarks.md and space-aligned
// text for the terminal. Numeric-looking cells are right-aligned in both.

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** One line under the table (what the columns mean, caveats). */
  readonly note?: string;
}

const looksNumeric = (cell: string): boolean => /^[−+-]?[\d.,]+( ?[%×])?$|^—$/.test(cell);

export function renderMarkdownTable(table: Table): string {
  const numericColumns = table.headers.map((_, column) => table.rows.length > 0 && table.rows.every((row) => looksNumeric(row[column] ?? '')));
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const lines = [
    `| ${table.headers.map(escape).join(' | ')} |`,
    `|${numericColumns.map((numeric) => (numeric ? ' ---: ' : ' --- ')).join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return [`### ${table.title}`, '', ...lines, ...(table.note ? ['', table.note] : [])].join('\n');
}

export function renderTextTable(table: Table): string {
  const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => (row[column] ?? '').length)));
  const numericColumns = table.headers.map((_, column) => table.rows.length > 0 && table.rows.every((row) => looksNumeric(row[column] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (numericColumns[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [table.title, line(table.headers), line(widths.map((width) => '-'.repeat(width))), ...table.rows.map(line), ...(table.note ? [table.note] : [])].join('\n');
}
