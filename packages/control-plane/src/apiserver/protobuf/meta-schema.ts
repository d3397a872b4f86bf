/**
 * Schema tables of k8s.io/apimachinery messages: runtime.Unknown and TypeMeta, meta/v1 ObjectMeta
 * and its parts, and the special types that have their own JSON form (Time, MicroTime, FieldsV1,
 * IntOrString, Quantity).
 */
import type { MessageTable } from './schema.js';
import { always, bool, bytes, int32, int64, list, msg, ptr, str, strMap } from './schema.js';

/** apimachinery messages by name. */
export const META_MESSAGES: MessageTable = {
  TypeMeta: { 1: str('apiVersion'), 2: str('kind') },
  Unknown: { 1: msg('typeMeta', 'TypeMeta'), 2: bytes('raw'), 3: str('contentEncoding'), 4: str('contentType') },
  /** JSON: an RFC 3339 string with seconds precision, `null` when zero (an empty message). */
  Time: { 1: int64('seconds'), 2: int32('nanos') },
  /** JSON: an RFC 3339 string with microseconds, `null` when zero. */
  MicroTime: { 1: int64('seconds'), 2: int32('nanos') },
  /** JSON: the raw bytes parsed as JSON. */
  FieldsV1: { 1: bytes('Raw') },
  /** JSON: a number (type 0) or a string (type 1). */
  IntOrString: { 1: int64('type'), 2: int32('intVal'), 3: str('strVal') },
  /** JSON: its string. */
  Quantity: { 1: str('string') },
  ObjectMeta: {
    1: str('name'),
    2: str('generateName'),
    3: str('namespace'),
    4: str('selfLink'),
    5: str('uid'),
    6: str('resourceVersion'),
    7: int64('generation'),
    8: msg('creationTimestamp', 'Time'),
    9: msg('deletionTimestamp', 'Time'),
    10: ptr(int64('deletionGracePeriodSeconds')),
    11: strMap('labels'),
    12: strMap('annotations'),
    13: list(msg('ownerReferences', 'OwnerReference')),
    14: list(str('finalizers')),
    17: list(msg('managedFields', 'ManagedFieldsEntry')),
  },
  OwnerReference: {
    5: always(str('apiVersion')),
    1: always(str('kind')),
    3: always(str('name')),
    4: always(str('uid')),
    6: ptr(bool('controller')),
    7: ptr(bool('blockOwnerDeletion')),
  },
  ManagedFieldsEntry: {
    1: str('manager'),
    2: str('operation'),
    3: str('apiVersion'),
    4: msg('time', 'Time'),
    6: str('fieldsType'),
    7: msg('fieldsV1', 'FieldsV1'),
    8: str('subresource'),
  },
  LabelSelector: {
    1: strMap('matchLabels'),
    2: list(msg('matchExpressions', 'LabelSelectorRequirement')),
  },
  LabelSelectorRequirement: { 1: always(str('key')), 2: always(str('operator')), 3: list(str('values')) },
  Condition: {
    1: always(str('type')),
    2: always(str('status')),
    3: int64('observedGeneration'),
    4: always(msg('lastTransitionTime', 'Time')),
    5: always(str('reason')),
    6: always(str('message')),
  },
};
