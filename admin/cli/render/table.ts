// The one table renderer: columns padded to their widest cell and two spaces apart; the last
// column is not padded and no line ends in spaces.

/** Rows (the header first, if any) as aligned lines, each ending in a newline. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) {
    return '';
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  return rows
    .map((r) => {
      const cells = r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)));
      return `${cells.join('  ').trimEnd()}\n`;
    })
    .join('');
}
