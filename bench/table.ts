/**
 * Markdown tables with padded columns, so the printed table also reads well in a terminal.
 */

export type Align = 'left' | 'right';

/** Escapes the characters that would break a cell (pipes, newlines). */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) {
      throw new Error(`row ${i + 1} has ${row.length} cells, the header has ${header.length}`);
    }
  }
  const cells = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, c) => Math.max(3, ...cells.map((row) => row[c].length)));
  const pad = (text: string, c: number) =>
    align[c] === 'right' ? text.padStart(widths[c]) : text.padEnd(widths[c]);
  const line = (row: readonly string[]) => `| ${row.map(pad).join(' | ')} |`;
  const rule = widths.map((w, c) =>
    align[c] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w),
  );
  return [line(cells[0]), `| ${rule.join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}
