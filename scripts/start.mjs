// `npm start`: the standalone gateway on one machine. Builds the broker and router, starts
// the bundled demo MCP servers (unless --config names your own), then the broker and the
// router as separate processes sharing a freshly generated session-signing secret, and
// prints the URL to give an MCP client. Ctrl-C stops every process it started.
//
//   npm start -- [--config FILE] [--port N] [--host ADDRESS] [--ext-proc-port N]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { envWithThisNodeFirst } from './this-node-first.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const DEMO_CONFIG = path.join(root, 'config', 'demo-gateway.yaml');
const DEMO_BASE_PORT = 39101;
const STARTUP_TIMEOUT_MS = 30_000;

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      config: { type: 'string' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      // The router's Envoy ext_proc face (gRPC), for an Envoy in front of this machine's gateway.
      'ext-proc-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${error.message}\nusage: npm start -- [--config FILE] [--port N] [--host ADDRESS] [--ext-proc-port N]`);
}
if (options.help) {
  console.log('usage: npm start -- [--config FILE] [--port N] [--host ADDRESS] [--ext-proc-port N]');
  process.exit(0);
}
const routerPort = Number(options.port);
if (!Number.isInteger(routerPort) || routerPort < 0 || routerPort > 65535) fail(`--port must be 0-65535, got "${options.port}"`);
const extProcPort = options['ext-proc-port'] === undefined ? undefined : Number(options['ext-proc-port']);
if (extProcPort !== undefined && (!Number.isInteger(extProcPort) || extProcPort < 0 || extProcPort > 65535)) fail(`--ext-proc-port must be 0-65535, got "${options['ext-proc-port']}"`);

for (const app of ['broker', 'router']) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-app.mjs'), app], { stdio: 'inherit' });
  if (build.status !== 0) fail(`building ${app} failed`);
}

const children = [];
let stopping = false;

/** Starts a child, echoes its output with a name tag, resolves with the first output line
 * matching `ready` (parsed as JSON). */
function startChild(name, args, env, ready) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...envWithThisNodeFirst(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push({ name, child });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk.toString('utf8');
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        process.stderr.write(`[${name}] ${line}\n`);
        if (ready.test(line)) {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(line));
          } catch {
            resolve({});
          }
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!stopping) {
        reject(new Error(`${name} exited (${signal ?? `code ${code}`})`));
        console.error(`npm start: ${name} exited (${signal ?? `code ${code}`}); stopping the gateway.`);
        void stopAll(1);
      }
    });
  });
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  // Reverse order of start: router, broker, then the upstreams.
  for (const { child } of [...children].reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (children.some(({ child }) => child.exitCode === null && child.signalCode === null) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  process.exit(exitCode);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

async function waitForReady(url) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not report ready within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

try {
  const configPath = options.config ? path.resolve(options.config) : DEMO_CONFIG;
  if (!options.config) {
    await startChild(
      'demo-servers',
      ['--import', 'tsx', path.join(root, 'e2e', 'servers', 'demo-servers.ts'), '--port', String(DEMO_BASE_PORT)],
      {},
      /"name":"calculator"/,
    );
  }
  const shared = { GATEWAY_SESSION_SECRET: randomBytes(32).toString('base64url'), GATEWAY_CONFIG: configPath };
  const broker = await startChild(
    'broker',
    [path.join(root, 'dist', 'apps', 'broker', 'main.js'), '--config', configPath, '--http-port', '0', '--grpc-port', '0'],
    shared,
    /broker listening/,
  );
  const router = await startChild(
    'router',
    [
      path.join(root, 'dist', 'apps', 'router', 'main.js'),
      '--config', configPath,
      '--host', options.host,
      '--port', String(routerPort),
      '--broker-url', `http://127.0.0.1:${broker.httpPort}`,
      '--broker-grpc', `127.0.0.1:${broker.grpcPort}`,
      ...(extProcPort === undefined ? [] : ['--ext-proc-port', String(extProcPort)]),
    ],
    shared,
    /router listening/,
  );
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  await waitForReady(`http://${host}:${router.port}/readyz`);
  console.log('');
  console.log(`MCP Gateway is ready. Point your MCP client at:  http://${host}:${router.port}/mcp`);
  if (router.extProcPort !== undefined) console.log(`Envoy ext_proc (gRPC): ${host}:${router.extProcPort}  (see docs/data-plane.md)`);
  console.log(`Upstream status: http://127.0.0.1:${broker.httpPort}/status    Stop with Ctrl-C.`);
  console.log('');
} catch (error) {
  console.error(`npm start: ${error.message}`);
  await stopAll(1);
}
