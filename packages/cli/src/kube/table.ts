/**
 * kubectl's human-readable printing of a meta.k8s.io Table: upper-cased headers, cells
 * aligned like Go's tabwriter (padding 3, the last column unpadded), priority columns only
 * with `-o wide`, NAMESPACE first with `-A`, LABELS last with `--show-labels`.
 */

/** One column of a meta.k8s.io Table. */
export interface TableColumn {
  name: string;
  type?: string;
  format?: string;
  description?: string;
  priority?: number;
}

/** One row of a meta.k8s.io Table; `object` is PartialObjectMetadata or the full object. */
export interface TableRow {
  cells: unknown[];
  object?: { kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };
}

/** A meta.k8s.io Table response. */
export interface Table {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

/** How `bosun get` prints a Table. */
export interface TableOptions {
  /** `-o wide`: include columns with priority > 0. */
  wide?: boolean;
  /** `-A`: a NAMESPACE column first, from each row's object. */
  withNamespace?: boolean;
  /** `--show-labels`: a LABELS column last. */
  showLabels?: boolean;
  /** Prefix NAME cells with `<kind>/` (as `get all` and several types do). */
  namePrefix?: string;
  /** Leave the header out (`--no-headers`, and watch events after the first). */
  noHeaders?: boolean;
}

/** A cell as kubectl prints it: strings cut at the first line break (then `...`), others as %v. */
export function formatCell(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    const cut = cell.search(/[\n\r\f]/);
    return cut === -1 ? cell : `${cell.slice(0, cut)}...`;
  }
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell as number | boolean);
}

/** Labels as kubectl's FormatLabels prints them: `k=v,k2=v2` sorted by key, or `<none>`. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',');
}

/** The header and rows of `table` as string cells, after column selection. */
export function tableCells(table: Table, options: TableOptions = {}): string[][] {
  const keep: number[] = [];
  table.columnDefinitions.forEach((c, i) => {
    if ((c.priority ?? 0) === 0 || options.wide === true) keep.push(i);
  });
  const lines: string[][] = [];
  if (options.noHeaders !== true) {
    const header = keep.map((i) => (table.columnDefinitions[i]?.name ?? '').toUpperCase());
    if (options.withNamespace === true) header.unshift('NAMESPACE');
    if (options.showLabels === true) header.push('LABELS');
    lines.push(header);
  }
  for (const row of table.rows) {
    const cells = keep.map((i) => {
      const text = formatCell(row.cells[i]);
      const isName = table.columnDefinitions[i]?.name === 'Name';
      return isName && options.namePrefix !== undefined ? `${options.namePrefix}/${text}` : text;
    });
    if (options.withNamespace === true) cells.unshift(row.object?.metadata?.namespace ?? '');
    if (options.showLabels === true) cells.push(formatLabels(row.object?.metadata?.labels));
    lines.push(cells);
  }
  return lines;
}

/** Aligns lines of cells like Go's tabwriter(minwidth 0, padding 3 unless told, flags 0). */
export function alignColumns(lines: readonly string[][], padding = 3): string {
  const widths: number[] = [];
  for (const line of lines) {
    line.forEach((cell, i) => {
      if (i === line.length - 1) return;
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return lines
    .map((line) =>
      line
        .map((cell, i) =>
          i === line.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length + padding),
        )
        .join(''),
    )
    .map((l) => `${l}\n`)
    .join('');
}

/** The whole table as kubectl prints it (empty string when there are no rows). */
export function printTable(table: Table, options: TableOptions = {}): string {
  if (table.rows.length === 0) return '';
  return alignColumns(tableCells(table, options));
}

/** kubectl's message when a list is empty (printed on stderr). */
export function noResourcesMessage(namespace: string | undefined): string {
  return namespace === undefined ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`;
}
