/**
 * The encoder of the OpenAPI v2 document that kubectl 1.27/1.28 download before `apply` and
 * `create -f`: a gnostic `openapi.v2.Document` in protobuf. It carries no schemas, only a PATCH
 * operation per resource path with the `x-kubernetes-group-version-kind` extension and a
 * `fieldValidation` query parameter, which is what makes kubectl leave validation to the server.
 */
import { WireWriter } from './wire.js';

/** The Content-Type of the protobuf OpenAPI v2 document that Go's mime parser accepts. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** A group, version and kind. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** What the document lists: a title, a version and the paths of the objects with their kinds. */
export interface OpenApiV2Input {
  title: string;
  version: string;
  /** One entry per object path, as `/apis/apps/v1/namespaces/{namespace}/deployments/{name}`. */
  paths: { path: string; gvk: GroupVersionKind }[];
}

// Field numbers of gnostic's OpenAPIv2.proto (package openapi.v2) used below.
const Document = { swagger: 1, info: 2, paths: 8 } as const;
const Info = { title: 1, version: 2 } as const;
const Paths = { path: 2 } as const;
const NamedPathItem = { name: 1, value: 2 } as const;
const PathItem = { patch: 8 } as const;
const Operation = { parameters: 8, vendorExtension: 13 } as const;
const ParametersItem = { parameter: 1 } as const;
const Parameter = { nonBodyParameter: 2 } as const;
const NonBodyParameter = { queryParameterSubSchema: 3 } as const;
const QueryParameterSubSchema = { in: 2, name: 4, type: 6 } as const;
const NamedAny = { name: 1, value: 2 } as const;
const Any = { yaml: 2 } as const;

/** The YAML kubectl parses from `x-kubernetes-group-version-kind`: keys sorted, the core group quoted. */
export function gvkYaml(gvk: GroupVersionKind): string {
  const group = gvk.group === '' ? '""' : gvk.group;
  return `group: ${group}\nkind: ${gvk.kind}\nversion: ${gvk.version}\n`;
}

/** Encodes the document as a gnostic openapi.v2.Document. */
export function encodeOpenApiV2(doc: OpenApiV2Input): Uint8Array {
  const out = new WireWriter();
  out.string(Document.swagger, '2.0');
  out.message(Document.info, (info) => info.string(Info.title, doc.title).string(Info.version, doc.version));
  out.message(Document.paths, (paths) => {
    for (const { path, gvk } of doc.paths) {
      paths.message(Paths.path, (named) => {
        named.string(NamedPathItem.name, path);
        named.message(NamedPathItem.value, (item) => item.message(PathItem.patch, (op) => writePatch(op, gvk)));
      });
    }
  });
  return out.finish();
}

/**
 * The PATCH query parameters kubectl looks for: `fieldValidation` (1.27/1.28 then leave
 * validation to the server) and `dryRun` (1.20's dry-run verifier refuses `--dry-run=server`
 * for kinds whose PATCH lacks it).
 */
const PATCH_QUERY_PARAMETERS = ['fieldValidation', 'dryRun'] as const;

function writePatch(op: WireWriter, gvk: GroupVersionKind): void {
  for (const name of PATCH_QUERY_PARAMETERS) {
    op.message(Operation.parameters, (item) =>
      item.message(ParametersItem.parameter, (parameter) =>
        parameter.message(Parameter.nonBodyParameter, (nonBody) =>
          nonBody.message(NonBodyParameter.queryParameterSubSchema, (query) =>
            query
              .string(QueryParameterSubSchema.in, 'query')
              .string(QueryParameterSubSchema.name, name)
              .string(QueryParameterSubSchema.type, 'string'),
          ),
        ),
      ),
    );
  }
  op.message(Operation.vendorExtension, (ext) => {
    ext.string(NamedAny.name, 'x-kubernetes-group-version-kind');
    ext.message(NamedAny.value, (value) => value.string(Any.yaml, gvkYaml(gvk)));
  });
}
