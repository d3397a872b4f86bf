// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const packages = 'raft-kv|control-plane|node-agent|sdk|cli';

/** Pure cores take their clock, timers and randomness as parameters (STYLE.md, rule 2). */
export const pureCores = [
  'packages/raft-kv/src/raft/**/*.ts',
  'packages/raft-kv/src/mvcc/**/*.ts',
  'packages/raft-kv/src/linearizability/**/*.ts',
  'packages/raft-kv/src/sim/**/*.ts',
  'packages/control-plane/src/scheduler/core/**/*.ts',
  // The API server's pure parts: patch engines, selectors, printers, validation, protobuf,
  // resource declarations, discovery and OpenAPI documents, REST semantics (time and
  // identity come in as Sources).
  'packages/control-plane/src/apiserver/{patch,selectors,printers,validation,protobuf,registry,discovery,openapi,rest}/**/*.ts',
];

const injectedOnly = 'is not allowed in a pure core: take it as a parameter (clock, timer or random source)';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.tap/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^@bosun/(${packages})/`,
              message: 'Import another package only through its entry point (@bosun/<name>).',
            },
            {
              regex: `^(\\.\\./)+(packages/)?(${packages})/(src|dist)(/|$)`,
              message: "Do not reach into another package's internals; import @bosun/<name>.",
            },
          ],
        },
      ],
    },
  },
  {
    files: pureCores,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: `Date.now ${injectedOnly}` },
        { object: 'Math', property: 'random', message: `Math.random ${injectedOnly}` },
        { object: 'performance', property: 'now', message: `performance.now ${injectedOnly}` },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: `setTimeout ${injectedOnly}` },
        { name: 'setInterval', message: `setInterval ${injectedOnly}` },
        { name: 'setImmediate', message: `setImmediate ${injectedOnly}` },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `new Date() ${injectedOnly}` },
      ],
    },
  },
);
