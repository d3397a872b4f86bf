/** The Deployment and ReplicaSet printers: replica counts and the wide pod template columns. */
import { ageCell } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, TEMPLATE_WIDE_COLUMNS, column } from './columns.js';
import { containerCells, field, formatLabelSelector, num, selectorString } from './fields.js';
import type { TablePrinter } from './types.js';

/** How `kubectl get deployments` prints a Deployment: READY is status.readyReplicas over spec.replicas. */
export const deploymentPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready pods out of the desired replicas.'),
    column('Up-to-date', 'string', 'Pods that run the latest pod template.'),
    column('Available', 'string', 'Pods ready for at least minReadySeconds.'),
    AGE_COLUMN,
    ...TEMPLATE_WIDE_COLUMNS,
  ],
  cells(deployment, now) {
    const spec = field(deployment, 'spec');
    const status = field(deployment, 'status');
    const { names, images } = containerCells(field(field(spec, 'template'), 'spec'));
    return [
      deployment.metadata.name ?? '',
      `${num(status, 'readyReplicas')}/${num(spec, 'replicas', 1)}`,
      num(status, 'updatedReplicas'),
      num(status, 'availableReplicas'),
      ageCell(deployment.metadata.creationTimestamp, now),
      names,
      images,
      selectorString(spec['selector']) ?? '<invalid>',
    ];
  },
};

/** How `kubectl get replicasets` prints a ReplicaSet. */
export const replicaSetPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'The number of pods wanted (spec.replicas).'),
    column('Current', 'integer', 'The number of pods that exist (status.replicas).'),
    column('Ready', 'integer', 'The number of ready pods.'),
    AGE_COLUMN,
    ...TEMPLATE_WIDE_COLUMNS,
  ],
  cells(replicaSet, now) {
    const spec = field(replicaSet, 'spec');
    const status = field(replicaSet, 'status');
    const { names, images } = containerCells(field(field(spec, 'template'), 'spec'));
    return [
      replicaSet.metadata.name ?? '',
      num(spec, 'replicas', 1),
      num(status, 'replicas'),
      num(status, 'readyReplicas'),
      ageCell(replicaSet.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(spec['selector']),
    ];
  },
};
