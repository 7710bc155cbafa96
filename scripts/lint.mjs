// `npm run lint`: type-checks the whole tree, then runs ESLint, whose Nx module-boundary
// rule needs the project graph computed first.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envWithThisNodeFirst } from './this-node-first.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const env = { ...envWithThisNodeFirst(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(label, command, args) {
  console.log(`lint: ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`lint: ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

run('type-check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
spawnSync(bin('nx'), ['show', 'projects'], { cwd: root, stdio: 'ignore', env });
run('eslint', bin('eslint'), ['--max-warnings=0', '.']);
console.log('lint: ok');
