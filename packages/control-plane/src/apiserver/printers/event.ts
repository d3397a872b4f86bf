/** The core/v1 Event printer: when, what, on which object, and the wide source and counters. */
import type { KubeObject } from '../api/types.js';
import { ageCell } from './age.js';
import { column, wideColumn } from './columns.js';
import { field, isSet, num, str } from './fields.js';
import type { TablePrinter } from './types.js';

/** The OBJECT cell: `kind/name` with the kind lower-cased, or just the kind when there is no name. */
export function eventObject(event: KubeObject): string {
  const involved = field(event, 'involvedObject');
  const kind = str(involved, 'kind').toLowerCase();
  const name = str(involved, 'name');
  return name !== '' ? `${kind}/${name}` : kind;
}

/** The SOURCE cell: component (or reportingController), then `, host` (or reportingInstance) when known. */
export function eventSource(event: KubeObject): string {
  const source = field(event, 'source');
  const component = str(source, 'component') || str(event, 'reportingController');
  const host = str(source, 'host') || str(event, 'reportingInstance');
  return host === '' ? component : `${component}, ${host}`;
}

/** The LAST SEEN, FIRST SEEN and COUNT cells, preferring series data for events.k8s.io-style events. */
export function eventTimes(event: KubeObject, now: number): { lastSeen: string; firstSeen: string; count: number } {
  const firstSeen = isSet(event['firstTimestamp'])
    ? ageCell(event['firstTimestamp'], now)
    : ageCell(event['eventTime'], now);
  let lastSeen = isSet(event['lastTimestamp']) ? ageCell(event['lastTimestamp'], now) : firstSeen;
  let count = num(event, 'count');
  const series = event['series'];
  if (series !== undefined && series !== null) {
    lastSeen = ageCell(str(series, 'lastObservedTime'), now);
    count = num(series, 'count');
  } else if (count === 0) {
    count = 1;
  }
  return { lastSeen, firstSeen, count };
}

/**
 * How `kubectl get events` prints an Event. Unlike other kinds it starts with LAST SEEN; the
 * event's own name is the last, wide-only, column.
 */
export const eventPrinter: TablePrinter = {
  columns: [
    column('Last Seen', 'string', 'Time since the event was last observed.'),
    column('Type', 'string', 'Normal or Warning.'),
    column('Reason', 'string', 'A short machine-readable cause.'),
    column('Object', 'string', 'The object the event is about.'),
    wideColumn('Subobject', 'string', 'The part of the object the event is about (a field path).'),
    wideColumn('Source', 'string', 'The component, and host, that reported the event.'),
    column('Message', 'string', 'A human-readable description.'),
    wideColumn('First Seen', 'string', 'Time since the event was first observed.'),
    wideColumn('Count', 'string', 'How many times the event occurred.'),
    { name: 'Name', type: 'string', format: 'name', description: 'The event object name.', priority: 1 },
  ],
  cells(event, now) {
    const { lastSeen, firstSeen, count } = eventTimes(event, now);
    return [
      lastSeen,
      str(event, 'type'),
      str(event, 'reason'),
      eventObject(event),
      str(field(event, 'involvedObject'), 'fieldPath'),
      eventSource(event),
      str(event, 'message').trim(),
      firstSeen,
      count,
      event.metadata.name ?? '',
    ];
  },
};
