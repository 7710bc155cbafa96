// `npm test`: makes sure the machine has what the suites need (a redis-server binary; the
// suites start their own servers on free ports), runs every Jest project in one run, and
// ends with the plain line CI reads: `N passed, N failed`. No test run is a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envWithThisNodeFirst } from './this-node-first.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function ensureRedisServer() {
  if (hasCommand('redis-server')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !hasCommand('apt-get')) {
    console.error(
      'redis-server is not installed and cannot be installed from here. Install it with ' +
        '`sudo apt-get install -y redis-server` (Debian/Ubuntu) and run `npm test` again.',
    );
    process.exit(1);
  }
  console.log('Installing redis-server from the machine packages (the suites start their own on free ports)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
  if (install.status !== 0 || !hasCommand('redis-server')) {
    console.error('Installing redis-server failed; install it by hand and run `npm test` again.');
    process.exit(1);
  }
}

ensureRedisServer();

const resultsDir = path.join(root, 'tmp');
const resultsFile = path.join(resultsDir, 'jest-results.json');
mkdirSync(resultsDir, { recursive: true });
rmSync(resultsFile, { force: true });

const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--json',
    `--outputFile=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...envWithThisNodeFirst(), NODE_ENV: 'test' } },
);

let passed = 0;
let failed = 0;
let total = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  total = results.numTotalTests;
  // A suite that fails to load reports no failed test; count it so it cannot hide.
  failed += results.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.length === 0).length;
} catch {
  failed += 1;
  console.error('Jest wrote no results file: the run did not complete.');
}

console.log(`${passed} passed, ${failed} failed`);
if (total === 0) console.error('No test ran: that is a failure.');
process.exit(jest.status === 0 && failed === 0 && total > 0 ? 0 : 1);
