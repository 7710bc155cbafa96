// One Jest run over every project: a shared worker pool is faster on two cores than one
// Jest process per project, and gives one summary for `.ci/run`.
export default {
  projects: ['<rootDir>/libs/*/jest.config.mjs', '<rootDir>/apps/*/jest.config.mjs', '<rootDir>/e2e/jest.config.mjs', '<rootDir>/bench/jest.config.mjs'],
  // A global option (Jest ignores it inside a project): multi-process suites start real
  // servers, so a test gets 30 s; unit tests finish in milliseconds either way.
  testTimeout: 30_000,
};
