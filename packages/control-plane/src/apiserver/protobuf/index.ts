/**
 * Kubernetes protobuf: decoding the request bodies kubectl ≥ 1.32 sends for `create <generator>`,
 * and encoding the gnostic OpenAPI v2 document kubectl 1.27/1.28 need before `apply`/`create -f`.
 */
export {
  KUBE_PROTOBUF_MAGIC,
  KUBE_PROTOBUF_MEDIA_TYPE,
  decodeKubeProtobuf,
  decodeMessage,
  formatTime,
} from './decode.js';
export { MESSAGES, PROTOBUF_KINDS } from './messages.js';
export { OPENAPI_V2_PROTOBUF_CONTENT_TYPE, encodeOpenApiV2, gvkYaml } from './openapi-v2.js';
export type { GroupVersionKind, OpenApiV2Input } from './openapi-v2.js';
export type { FieldSpec, FieldType, MessageSpec, MessageTable } from './schema.js';
export { WireError, WireReader, WireWriter, readFields, readPackedVarints } from './wire.js';
export type { WireField, WireType } from './wire.js';
