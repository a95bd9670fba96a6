/** CSV cells for every CSV huntforge writes (findings, watchlists, iocs --csv). */

/**
 * RFC 4180 quoting, plus spreadsheet formula neutralisation: a cell starting with = + - @ (or a
 * tab/CR that some spreadsheets skip) gets a leading apostrophe so it is shown, not executed.
 */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(',');
}

export function csvDocument(header: string[], rows: unknown[][]): string {
  return `${[csvLine(header), ...rows.map(csvLine)].join('\r\n')}\r\n`;
}
