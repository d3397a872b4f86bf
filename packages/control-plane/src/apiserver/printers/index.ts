/** Server-side printing for `kubectl get`: the Table columns and cells of each kind. */
export type { TableColumn, TablePrinter } from './types.js';
export { formatAge, ageCell, parseTimestamp } from './age.js';
export { AGE_COLUMN, NAME_COLUMN, TEMPLATE_WIDE_COLUMNS, column, wideColumn } from './columns.js';
export { formatLabels, formatLabelSelector, selectorString, containerCells } from './fields.js';
export { podPrinter, podSummary } from './pod.js';
export { nodePrinter, nodeStatus, nodeRoles } from './node.js';
export { servicePrinter, serviceExternalIP, servicePorts } from './service.js';
export { endpointsPrinter, formatEndpoints } from './endpoints.js';
export { deploymentPrinter, replicaSetPrinter } from './workloads.js';
export { eventPrinter, eventObject, eventSource, eventTimes } from './event.js';
export {
  namespacePrinter,
  configMapPrinter,
  secretPrinter,
  serviceAccountPrinter,
  leasePrinter,
  defaultPrinter,
} from './simple.js';
export { rolePrinter, roleBindingPrinter, bindingSubjects, createdAtCell } from './rbac.js';
export { printerFor } from './registry.js';
