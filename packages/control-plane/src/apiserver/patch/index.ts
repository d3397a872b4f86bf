/** The patch engines of the API server: JSON merge patch, JSON patch, strategic merge patch and server-side apply. */
export { applyMergePatch } from './merge-patch.js';
export { applyJsonPatch, parsePointer } from './json-patch.js';
export { applyStrategicMergePatch } from './strategic.js';
export { patchSchemaFor } from './kinds.js';
export type { PatchSchema, PatchStrategy } from './schema.js';
export { serverSideApply } from './apply.js';
export type { ApplyInput, ApplyResult } from './apply.js';
export { recordUpdate } from './update.js';
export type { UpdateInput } from './update.js';
export { FieldSet, formatPath } from './fieldset.js';
