/**
 * The decoder of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`):
 * the `k8s\0` magic, a runtime.Unknown envelope, and the object inside it turned into the JSON
 * form Kubernetes would have written for the same Go object.
 */
import { ApiError } from '../api/errors.js';
import type { Json, JsonObject, KubeObject } from '../api/types.js';
import { MESSAGES, PROTOBUF_KINDS } from './messages.js';
import type { FieldSpec } from './schema.js';
import type { WireField } from './wire.js';
import { WireError, readFields, readPackedVarints } from './wire.js';

/** The media type of Kubernetes protobuf bodies. */
export const KUBE_PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The four bytes every Kubernetes protobuf body starts with: `k8s` and a NUL. */
export const KUBE_PROTOBUF_MAGIC: readonly number[] = [0x6b, 0x38, 0x73, 0x00];

const utf8 = new TextDecoder();

/**
 * Decodes a Kubernetes protobuf body into its JSON object, with apiVersion and kind set.
 * Throws ApiError BadRequest for malformed data and UnsupportedMediaType for a kind it has no
 * schema for.
 */
export function decodeKubeProtobuf(body: Uint8Array): KubeObject {
  if (body.length < 4 || KUBE_PROTOBUF_MAGIC.some((byte, i) => body[i] !== byte)) {
    throw ApiError.badRequest('the protobuf body does not start with the Kubernetes magic "k8s\\x00"');
  }
  try {
    const envelope = readUnknown(body.subarray(4));
    if (envelope.contentEncoding !== '') {
      throw new ApiError(
        'UnsupportedMediaType',
        `protobuf bodies with contentEncoding "${envelope.contentEncoding}" are not supported`,
      );
    }
    const message = PROTOBUF_KINDS[`${envelope.apiVersion}/${envelope.kind}`];
    if (message === undefined) {
      throw new ApiError(
        'UnsupportedMediaType',
        `the server cannot decode ${envelope.kind || '(no kind)'} in ${envelope.apiVersion || '(no apiVersion)'} from protobuf; send JSON`,
      );
    }
    const object = decodeMessage(message, envelope.raw);
    const metadata = object['metadata'];
    return {
      apiVersion: envelope.apiVersion,
      kind: envelope.kind,
      ...object,
      metadata: isJsonObject(metadata) ? metadata : {},
    };
  } catch (error) {
    if (error instanceof WireError) throw ApiError.badRequest(`invalid protobuf body: ${error.message}`);
    throw error;
  }
}

/** The runtime.Unknown envelope: TypeMeta, the raw object bytes and the content encoding. */
function readUnknown(buf: Uint8Array): { apiVersion: string; kind: string; raw: Uint8Array; contentEncoding: string } {
  const out: { apiVersion: string; kind: string; raw: Uint8Array; contentEncoding: string } = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(0),
    contentEncoding: '',
  };
  for (const field of readFields(buf)) {
    if (field.fieldNumber === 1) {
      for (const meta of readFields(lengthDelimited(field, 'Unknown.typeMeta'))) {
        if (meta.fieldNumber === 1) out.apiVersion = utf8.decode(lengthDelimited(meta, 'TypeMeta.apiVersion'));
        if (meta.fieldNumber === 2) out.kind = utf8.decode(lengthDelimited(meta, 'TypeMeta.kind'));
      }
    } else if (field.fieldNumber === 2) {
      out.raw = lengthDelimited(field, 'Unknown.raw');
    } else if (field.fieldNumber === 3) {
      out.contentEncoding = utf8.decode(lengthDelimited(field, 'Unknown.contentEncoding'));
    }
  }
  return out;
}

/** Decodes one message of the table into its JSON object. */
export function decodeMessage(name: string, buf: Uint8Array): JsonObject {
  const spec = MESSAGES[name];
  if (spec === undefined) throw new Error(`protobuf schema has no message ${name}`);
  const out: JsonObject = {};
  for (const field of readFields(buf)) {
    const fieldSpec = spec[field.fieldNumber];
    if (fieldSpec === undefined) continue;
    const where = `${name}.${fieldSpec.name}`;
    if (fieldSpec.map === true) {
      const [key, value] = decodeMapEntry(fieldSpec, lengthDelimited(field, where));
      const map = out[fieldSpec.name];
      if (isJsonObject(map)) map[key] = value;
      else out[fieldSpec.name] = { [key]: value };
    } else if (fieldSpec.inline === true) {
      Object.assign(out, decodeMessage(messageOf(fieldSpec), lengthDelimited(field, where)));
    } else if (fieldSpec.repeated === true) {
      const values = decodeRepeated(fieldSpec, field, where);
      const existing = out[fieldSpec.name];
      if (Array.isArray(existing)) existing.push(...values);
      else out[fieldSpec.name] = values;
    } else {
      out[fieldSpec.name] = decodeValue(fieldSpec, field, where);
    }
  }
  dropUnsetScalars(Object.values(spec), out);
  nullAbsentLists(Object.values(spec), out);
  return out;
}

/** Sets to `null` the absent lists whose Go JSON tag has no `omitempty` (a nil slice). */
function nullAbsentLists(fields: readonly FieldSpec[], out: JsonObject): void {
  for (const field of fields) {
    if (field.repeated === true && field.always === true && !(field.name in out)) out[field.name] = null;
  }
}

/**
 * Removes the zero values gogo protobuf writes for every non-pointer scalar ("", 0, false), as
 * Go's `omitempty` would; pointer fields and fields without `omitempty` keep them.
 */
function dropUnsetScalars(fields: readonly FieldSpec[], out: JsonObject): void {
  for (const field of fields) {
    if (field.type === 'message' || field.repeated === true || field.map === true) continue;
    if (field.pointer === true || field.always === true) continue;
    const value = out[field.name];
    if (value === '' || value === 0 || value === false) delete out[field.name];
  }
}

function decodeRepeated(spec: FieldSpec, field: WireField, where: string): Json[] {
  const numeric = spec.type === 'int32' || spec.type === 'int64' || spec.type === 'bool';
  if (numeric && field.wireType === 2) {
    return readPackedVarints(field.value).map((v) => scalarFromVarint(spec, v));
  }
  return [decodeValue(spec, field, where)];
}

function decodeMapEntry(spec: FieldSpec, buf: Uint8Array): [string, Json] {
  let key = '';
  let value: Json | undefined;
  for (const field of readFields(buf)) {
    if (field.fieldNumber === 1) key = utf8.decode(lengthDelimited(field, `${spec.name} key`));
    if (field.fieldNumber === 2) value = decodeValue(spec, field, `${spec.name}[${key}]`);
  }
  return [key, value ?? zeroOf(spec)];
}

/** The JSON of a map value that was left out of its entry. */
function zeroOf(spec: FieldSpec): Json {
  if (spec.type === 'message') {
    const special = decodeSpecial(messageOf(spec), new Uint8Array(0));
    return special !== undefined ? special : {};
  }
  if (spec.type === 'bool') return false;
  if (spec.type === 'int32' || spec.type === 'int64') return 0;
  return '';
}

function decodeValue(spec: FieldSpec, field: WireField, where: string): Json {
  switch (spec.type) {
    case 'string':
      return utf8.decode(lengthDelimited(field, where));
    case 'bytes':
      return Buffer.from(lengthDelimited(field, where)).toString('base64');
    case 'message': {
      const buf = lengthDelimited(field, where);
      const message = messageOf(spec);
      const special = decodeSpecial(message, buf);
      return special !== undefined ? special : decodeMessage(message, buf);
    }
    case 'bool':
    case 'int32':
    case 'int64':
      if (field.wireType !== 0) throw new WireError(`${where}: expected a varint, got wire type ${field.wireType}`);
      return scalarFromVarint(spec, field.value);
  }
}

function scalarFromVarint(spec: FieldSpec, value: bigint): Json {
  if (spec.type === 'bool') return value !== 0n;
  if (spec.type === 'int32') return Number(BigInt.asIntN(32, value));
  return Number(BigInt.asIntN(64, value));
}

/** The JSON of the messages that Kubernetes writes in a form of their own, or undefined. */
function decodeSpecial(message: string, buf: Uint8Array): Json | undefined {
  switch (message) {
    case 'Time':
    case 'MicroTime': {
      if (buf.length === 0) return null;
      const { seconds, nanos } = decodeMessage(message, buf);
      return formatTime(Number(seconds ?? 0), Number(nanos ?? 0), message === 'MicroTime');
    }
    case 'IntOrString': {
      const { type, intVal, strVal } = decodeMessage(message, buf);
      return type === 1 ? String(strVal ?? '') : Number(intVal ?? 0);
    }
    case 'Quantity': {
      const { string } = decodeMessage(message, buf);
      return typeof string === 'string' && string !== '' ? string : '0';
    }
    case 'FieldsV1': {
      let raw: Uint8Array = new Uint8Array(0);
      for (const field of readFields(buf)) if (field.fieldNumber === 1) raw = lengthDelimited(field, 'FieldsV1.Raw');
      try {
        return JSON.parse(utf8.decode(raw)) as Json;
      } catch {
        throw new WireError('FieldsV1.Raw is not JSON');
      }
    }
    default:
      return undefined;
  }
}

/** RFC 3339 in UTC: `2024-01-02T03:04:05Z`, or with six fraction digits for MicroTime. */
export function formatTime(seconds: number, nanos: number, micro: boolean): string {
  if (!(Math.abs(seconds) <= 8.64e12)) throw new WireError(`time ${seconds}s is out of range`);
  const iso = new Date(seconds * 1000).toISOString();
  const base = iso.slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function lengthDelimited(field: WireField, where: string): Uint8Array {
  if (field.wireType !== 2)
    throw new WireError(`${where}: expected length-delimited data, got wire type ${field.wireType}`);
  return field.value;
}

function messageOf(spec: FieldSpec): string {
  if (spec.message === undefined) throw new Error(`protobuf schema field ${spec.name} has no message`);
  return spec.message;
}

function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
