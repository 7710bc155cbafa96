// Shared Jest settings. The workspace is native ESM, so tests run under
// `--experimental-vm-modules` with .ts files treated as ES modules and compiled by SWC
// (no type-check here: `npm run lint` runs tsc over the whole tree).
export const jestPreset = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['<rootDir>/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
};
