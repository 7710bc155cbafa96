import { jestPreset } from '../jest.preset.mjs';

// Multi-process suites: each spawns real processes on loopback ports, so they get more time.
export default { ...jestPreset, displayName: 'e2e', testTimeout: 60_000 };
