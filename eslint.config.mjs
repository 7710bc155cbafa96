import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Module boundaries: apps import libs, libs never import apps, no app imports another app,
// and the shared libs never reach into the test-only `testing` lib.
export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', 'tmp/**', 'coverage/**', '.tools/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:router', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:broker', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:operator', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      // Apps are deployables, never libraries: importing one by package name is refused here
      // (relative imports across projects are refused by the rule above).
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@mcp-gateway/broker', '@mcp-gateway/router', '@mcp-gateway/operator', '@mcp-gateway/e2e'], message: 'Apps never import another app; move shared code into a lib.' }] },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Specs may use the test-only lib.
    files: ['**/*.spec.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'libs/testing/**/*.ts', 'libs/kube-fake/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
