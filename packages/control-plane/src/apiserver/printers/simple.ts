/**
 * Printers for kinds with one or two facts to show: Namespace, ConfigMap, Secret, ServiceAccount
 * and Lease, plus the generic Name/Age printer for every kind without its own.
 */
import { ageCell } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './columns.js';
import { field, list, mapSize, str } from './fields.js';
import type { TablePrinter } from './types.js';

/** How `kubectl get namespaces` prints a Namespace. */
export const namespacePrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The namespace phase: Active or Terminating.'), AGE_COLUMN],
  cells(ns, now) {
    return [ns.metadata.name ?? '', str(field(ns, 'status'), 'phase'), ageCell(ns.metadata.creationTimestamp, now)];
  },
};

/** How `kubectl get configmaps` prints a ConfigMap: DATA counts data and binaryData keys. */
export const configMapPrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Data', 'string', 'The number of keys in data and binaryData.'), AGE_COLUMN],
  cells(cm, now) {
    return [
      cm.metadata.name ?? '',
      mapSize(cm, 'data') + mapSize(cm, 'binaryData'),
      ageCell(cm.metadata.creationTimestamp, now),
    ];
  },
};

/** How `kubectl get secrets` prints a Secret: DATA counts the keys of data. */
export const secretPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'The secret type, such as Opaque.'),
    column('Data', 'string', 'The number of keys in data.'),
    AGE_COLUMN,
  ],
  cells(secret, now) {
    return [
      secret.metadata.name ?? '',
      str(secret, 'type'),
      mapSize(secret, 'data'),
      ageCell(secret.metadata.creationTimestamp, now),
    ];
  },
};

/** How `kubectl get serviceaccounts` prints a ServiceAccount: SECRETS counts the listed secrets. */
export const serviceAccountPrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Secrets', 'string', 'The number of secrets listed on the account.'), AGE_COLUMN],
  cells(sa, now) {
    return [sa.metadata.name ?? '', list(sa, 'secrets').length, ageCell(sa.metadata.creationTimestamp, now)];
  },
};

/** How `kubectl get leases` prints a Lease. */
export const leasePrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Holder', 'string', 'The identity currently holding the lease.'), AGE_COLUMN],
  cells(lease, now) {
    return [
      lease.metadata.name ?? '',
      str(field(lease, 'spec'), 'holderIdentity'),
      ageCell(lease.metadata.creationTimestamp, now),
    ];
  },
};

/** The printer for kinds without their own: Name and Age. */
export const defaultPrinter: TablePrinter = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells(obj, now) {
    return [obj.metadata.name ?? '', ageCell(obj.metadata.creationTimestamp, now)];
  },
};
