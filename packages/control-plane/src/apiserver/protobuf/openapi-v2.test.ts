import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { OPENAPI_V2_PROTOBUF_CONTENT_TYPE, encodeOpenApiV2, gvkYaml } from './openapi-v2.js';

/** The subset of gnostic's openapiv2/OpenAPIv2.proto this document uses, with its field numbers. */
const GNOSTIC_SUBSET = `
syntax = "proto3";
package openapi.v2;
message Document { string swagger = 1; Info info = 2; string host = 3; Paths paths = 8; }
message Info { string title = 1; string version = 2; string description = 3; }
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message PathItem { string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4;
  Operation delete = 5; Operation options = 6; Operation head = 7; Operation patch = 8;
  repeated ParametersItem parameters = 9; repeated NamedAny vendor_extension = 10; }
message Operation { repeated string tags = 1; string summary = 2; string operation_id = 5;
  repeated ParametersItem parameters = 8; repeated NamedAny vendor_extension = 13; }
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message JsonReference { string _ref = 1; string description = 2; }
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; }
message NonBodyParameter { oneof oneof { HeaderParameterSubSchema header_parameter_sub_schema = 1;
  FormDataParameterSubSchema form_data_parameter_sub_schema = 2;
  QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; } }
message HeaderParameterSubSchema { bool required = 1; string in = 2; string name = 4; string type = 5; }
message FormDataParameterSubSchema { bool required = 1; string in = 2; string name = 4; string type = 6; }
message PathParameterSubSchema { bool required = 1; string in = 2; string name = 4; string type = 5; }
message QueryParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4;
  bool allow_empty_value = 5; string type = 6; string format = 7; }
message NamedAny { string name = 1; Any value = 2; }
message Any { string yaml = 2; }
`;

interface ProtobufJs {
  parse(
    source: string,
    options?: { keepCase?: boolean },
  ): {
    root: {
      lookupType(name: string): {
        decode(bytes: Uint8Array): unknown;
        toObject(message: unknown, options?: { defaults?: boolean; oneofs?: boolean }): unknown;
      };
    };
  };
}

/**
 * protobufjs is not a dependency of this package; it sits in the pnpm store as a dependency of
 * other packages. Load it from there, or skip when it is absent.
 */
function loadProtobufJs(): ProtobufJs | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const store = resolve(here, '../../../../../node_modules/.pnpm');
  const candidates = existsSync(store) ? readdirSync(store).filter((d) => /^protobufjs@7\./.test(d)) : [];
  const dir = candidates[0];
  if (dir === undefined) return undefined;
  const require = createRequire(join(store, dir, 'node_modules', 'protobufjs', 'package.json'));
  return require('protobufjs') as ProtobufJs;
}

const deploymentPath = '/apis/apps/v1/namespaces/{namespace}/deployments/{name}';
const podPath = '/api/v1/namespaces/{namespace}/pods/{name}';

const patchOf = (yaml: string) => ({
  patch: {
    parameters: ['fieldValidation', 'dryRun'].map((name) => ({
      parameter: { non_body_parameter: { query_parameter_sub_schema: { in: 'query', name, type: 'string' } } },
    })),
    vendor_extension: [{ name: 'x-kubernetes-group-version-kind', value: { yaml } }],
  },
});

t.test('the x-kubernetes-group-version-kind YAML', async (t) => {
  t.equal(
    gvkYaml({ group: 'apps', version: 'v1', kind: 'Deployment' }),
    'group: apps\nkind: Deployment\nversion: v1\n',
  );
  t.equal(gvkYaml({ group: '', version: 'v1', kind: 'Pod' }), 'group: ""\nkind: Pod\nversion: v1\n');
});

t.test('the content type has no "@" (Go mime.ParseMediaType rejects it)', async (t) => {
  t.equal(OPENAPI_V2_PROTOBUF_CONTENT_TYPE, 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
});

const protobuf = loadProtobufJs();
const noProtobufJs = protobuf === undefined ? 'protobufjs 7 is not in node_modules/.pnpm' : false;

t.test('protobufjs decodes the document as a gnostic openapi.v2.Document', { skip: noProtobufJs }, async (t) => {
  if (protobuf === undefined) return;
  const Document = protobuf.parse(GNOSTIC_SUBSET, { keepCase: true }).root.lookupType('openapi.v2.Document');
  const bytes = encodeOpenApiV2({
    title: 'Kubernetes',
    version: 'v1.32.0',
    paths: [
      { path: deploymentPath, gvk: { group: 'apps', version: 'v1', kind: 'Deployment' } },
      { path: podPath, gvk: { group: '', version: 'v1', kind: 'Pod' } },
    ],
  });
  const decoded = Document.toObject(Document.decode(bytes));
  t.strictSame(JSON.parse(JSON.stringify(decoded)), {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: {
      path: [
        { name: deploymentPath, value: patchOf('group: apps\nkind: Deployment\nversion: v1\n') },
        { name: podPath, value: patchOf('group: ""\nkind: Pod\nversion: v1\n') },
      ],
    },
  });
});

t.test('the encoding starts as the protobuf bytes of swagger "2.0" and info', async (t) => {
  const bytes = encodeOpenApiV2({ title: 'K', version: 'v', paths: [] });
  // 0a 03 "2.0" | 12 06 (0a 01 "K" 12 01 "v") | 42 00 (empty Paths)
  t.equal(Buffer.from(bytes).toString('hex'), '0a03322e30' + '1206' + '0a014b' + '120176' + '4200');
});
