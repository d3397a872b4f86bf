/**
 * Server-side printing (meta.k8s.io/v1 Table): the columns a kind shows in `kubectl get` and
 * how to compute one row's cells. kubectl prints the cells verbatim, so every cell is final text
 * or a number.
 */
import type { KubeObject } from '../api/types.js';

/** A Table column (metav1.TableColumnDefinition). Columns with priority > 0 show only with `-o wide`. */
export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

/** How one kind prints. */
export interface TablePrinter {
  readonly columns: readonly TableColumn[];
  /** The row's cells, one per column, for `obj` at wall-clock time `now` (ms since the epoch). */
  cells(obj: KubeObject, now: number): unknown[];
}
