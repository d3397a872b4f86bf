/** Column definitions shared by the printers. */
import type { TableColumn } from './types.js';

/** The Name column every printer starts with (kubectl finds the name by `format: 'name'`). */
export const NAME_COLUMN: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'The object name, unique within its namespace.',
  priority: 0,
};

/** The Age column: time since metadata.creationTimestamp. */
export const AGE_COLUMN: TableColumn = {
  name: 'Age',
  type: 'string',
  format: '',
  description: 'Time since the object was created.',
  priority: 0,
};

/** A column shown by plain `kubectl get`. */
export function column(name: string, type: TableColumn['type'], description: string): TableColumn {
  return { name, type, format: '', description, priority: 0 };
}

/** A column shown only with `kubectl get -o wide` (priority 1). */
export function wideColumn(name: string, type: TableColumn['type'], description: string): TableColumn {
  return { name, type, format: '', description, priority: 1 };
}

/** The wide Containers, Images and Selector columns of workload controllers. */
export const TEMPLATE_WIDE_COLUMNS: readonly TableColumn[] = [
  wideColumn('Containers', 'string', 'Container names in the pod template.'),
  wideColumn('Images', 'string', 'Container images in the pod template.'),
  wideColumn('Selector', 'string', 'The label selector of the pods it manages.'),
];
