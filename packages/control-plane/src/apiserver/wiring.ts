/**
 * The kind-specific modules wired into the generic server: each kind's strategy, printer and
 * patch schema; the patch engines; the protobuf decoder; the OpenAPI v2 document; the label
 * selector formatter.
 */
import type { KubeObject } from './api/types.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  patchSchemaFor,
  recordUpdate,
  serverSideApply,
} from './patch/index.js';
import type { PatchSchema } from './patch/index.js';
import { printerFor } from './printers/index.js';
import { decodeKubeProtobuf, encodeOpenApiV2 } from './protobuf/index.js';
import type { KindBehaviour } from './registry/definition.js';
import type { Registry } from './registry/registry.js';
import { gvPath } from './openapi/v3.js';
import { NO_STRATEGY } from './rest/rest.js';
import type { PatchEngine } from './rest/types.js';
import { formatLabelSelector, labelSelectorFromObject } from './selectors/index.js';
import { strategyFor } from './validation/index.js';

/** The behaviour of a kind, by its kind key. */
export function kindBehaviour(key: string): KindBehaviour {
  return { strategy: strategyFor(key) ?? NO_STRATEGY, printer: printerFor(key), patchSchema: patchSchemaFor(key) };
}

const EMPTY_SCHEMA = patchSchemaFor('');

/** The patch engines. */
export const patchEngine: PatchEngine = {
  merge: applyMergePatch,
  json: applyJsonPatch,
  strategic: (original, patch, schema) =>
    applyStrategicMergePatch(original, patch, (schema ?? EMPTY_SCHEMA) as PatchSchema),
  apply: (input) => serverSideApply({ ...input, schema: input.schema as PatchSchema }),
  recordUpdate,
};

/** Decodes a Kubernetes protobuf body. */
export function decodeProtobuf(body: Uint8Array): KubeObject {
  return decodeKubeProtobuf(body);
}

const v2Documents = new WeakMap<Registry, Uint8Array>();

/** The protobuf OpenAPI v2 document kubectl 1.27 and 1.28 need (built once per registry). */
export function openApiV2Document(registry: Registry): Uint8Array {
  let doc = v2Documents.get(registry);
  if (doc === undefined) {
    doc = encodeOpenApiV2({
      title: 'Kubernetes',
      version: 'v1.32.0',
      paths: registry.resources
        .filter((def) => !def.virtual)
        .map((def) => ({
          path: `/${gvPath(def)}/${def.namespaced ? 'namespaces/{namespace}/' : ''}${def.plural}/{name}`,
          gvk: { group: def.group, version: def.version, kind: def.kind },
        })),
    });
    v2Documents.set(registry, doc);
  }
  return doc;
}

/** The canonical text of a metav1.LabelSelector object (Scale's status.selector). */
export function selectorText(selector: unknown): string {
  if (selector === undefined || selector === null) return '';
  return formatLabelSelector(labelSelectorFromObject(selector as Parameters<typeof labelSelectorFromObject>[0]));
}
