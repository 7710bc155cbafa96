import { jestPreset } from '../jest.preset.mjs';

// The benchmark harness's own tests (parser, histogram, fast upstream, plain proxy, load
// runs, report). They start servers on loopback ports, so they get e2e-like time.
export default { ...jestPreset, displayName: 'bench', testTimeout: 30_000 };
