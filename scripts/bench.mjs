// `npm run bench [-- --quick]`: builds the gateway apps (broker, router) the benchmark runs
// as separate processes, then runs bench/main.ts under tsx with the remaining arguments.
// A gateway that cannot be built is not fatal: its scenarios are reported as skipped, with
// the reason. `--no-build` uses whatever is in dist/ already.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envWithThisNodeFirst } from './this-node-first.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const benchArgs = args.filter((arg) => arg !== '--no-build');
const wantsHelp = benchArgs.includes('--help');

let buildProblem;
if (!skipBuild && !wantsHelp) {
  for (const app of ['broker', 'router']) {
    if (!existsSync(path.join(root, 'apps', app, 'src', 'main.ts'))) {
      buildProblem = `apps/${app}/src/main.ts does not exist yet`;
      break;
    }
    console.log(`bench: building ${app}…`);
    const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-app.mjs'), app], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) {
      const output = `${build.stderr ?? ''}${build.stdout ?? ''}`.trim();
      process.stderr.write(`${output}\n`);
      buildProblem = `building ${app} failed: ${output.split('\n').find((line) => /error/i.test(line)) ?? output.split('\n')[0] ?? 'no output'}`;
      break;
    }
  }
}

const env = envWithThisNodeFirst();
if (buildProblem) env.BENCH_GATEWAY_BUILD_ERROR = buildProblem;
else delete env.BENCH_GATEWAY_BUILD_ERROR;

const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'main.ts'), ...benchArgs], { cwd: root, stdio: 'inherit', env });
// Ctrl-C reaches the benchmark too (same process group); it stops what it started and exits.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
