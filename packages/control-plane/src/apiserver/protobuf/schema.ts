/**
 * The shape of the declarative schema tables: for each protobuf message, its field numbers with
 * the JSON name and type of each field, and what Go type stands behind it (pointer or not), so
 * that the decoder can tell an absent value from a zero value the way Go's JSON encoding does.
 */

/** The wire-level type of a field's value (or of a map's value). */
export type FieldType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'message';

/** One field of a message. */
export interface FieldSpec {
  /** The JSON name. */
  readonly name: string;
  readonly type: FieldType;
  /** The message name when `type` is `message` (a key of the message table). */
  readonly message?: string;
  /** A list (`repeated`). */
  readonly repeated?: boolean;
  /** A `map<string, type>`: repeated entries with the key in field 1 and the value in field 2. */
  readonly map?: boolean;
  /**
   * The Go field is a pointer (`*int32`, `*bool`, `*string`): a zero value on the wire was set on
   * purpose and is kept. Non-pointer scalars are always emitted by gogo protobuf, so their zero
   * values mean "unset" and are dropped (Go's `omitempty`).
   */
  readonly pointer?: boolean;
  /**
   * The Go JSON tag has no `omitempty` (`containerPort`, `port`): the zero value is kept, and an
   * absent list is `null` (Go's nil slice).
   */
  readonly always?: boolean;
  /** The Go field is embedded with `json:",inline"`: its fields are merged into the parent. */
  readonly inline?: boolean;
}

/** A message: field number → field. Unknown field numbers are skipped by the decoder. */
export type MessageSpec = Readonly<Record<number, FieldSpec>>;

/** The message tables by message name. */
export type MessageTable = Readonly<Record<string, MessageSpec>>;

/** A string field. */
export function str(name: string): FieldSpec {
  return { name, type: 'string' };
}

/** A bytes field (base64 in JSON). */
export function bytes(name: string): FieldSpec {
  return { name, type: 'bytes' };
}

/** A bool field. */
export function bool(name: string): FieldSpec {
  return { name, type: 'bool' };
}

/** An int32 field. */
export function int32(name: string): FieldSpec {
  return { name, type: 'int32' };
}

/** An int64 field (a JSON number; precision ends at 2^53). */
export function int64(name: string): FieldSpec {
  return { name, type: 'int64' };
}

/** A nested message field. */
export function msg(name: string, message: string): FieldSpec {
  return { name, type: 'message', message };
}

/** A `map<string, string>` field. */
export function strMap(name: string): FieldSpec {
  return { name, type: 'string', map: true };
}

/** The same field, repeated. */
export function list(field: FieldSpec): FieldSpec {
  return { ...field, repeated: true };
}

/** The same field, a Go pointer (its zero value is kept). */
export function ptr(field: FieldSpec): FieldSpec {
  return { ...field, pointer: true };
}

/** The same field, without `omitempty` in Go (its zero value is kept). */
export function always(field: FieldSpec): FieldSpec {
  return { ...field, always: true };
}

/** The same field, embedded inline in Go (its fields are merged into the parent object). */
export function inline(field: FieldSpec): FieldSpec {
  return { ...field, inline: true };
}
