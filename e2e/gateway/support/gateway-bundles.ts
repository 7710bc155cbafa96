// The broker and router bundles the gateway suites run, built on demand. A bundle starts in
// about half the time of `node --import tsx` (one esbuild pass instead of compiling every
// module at start), which adds up over the dozen gateways the suites start.
//
// The bundles go to tmp/e2e-gateway/<app>/main.js, not dist/apps: other suites and
// `npm start` rebuild dist/apps while tests run, and a process started from a file being
// rewritten could load half of it. Each build is written to a file of its own and renamed
// into place (atomic on one filesystem), so Jest workers building at the same time never
// see a partial bundle. A bundle is rebuilt when any source of the app or of a lib is newer.
// Same esbuild settings as scripts/build-app.mjs: workspace libs inlined, npm packages
// left as imports (resolved from the repository's node_modules, which is above tmp/).
import { build, type Plugin } from 'esbuild';
import { readdir, rename, stat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type GatewayApp = 'broker' | 'router';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLE_ROOT = path.join(REPO_ROOT, 'tmp', 'e2e-gateway');

const keepNpmPackagesExternal: Plugin = {
  name: 'external-npm-packages',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@mcp-gateway/') ? undefined : { path: args.path, external: true },
    );
  },
};

export function gatewayBundlePath(app: GatewayApp): string {
  return path.join(BUNDLE_ROOT, app, 'main.js');
}

async function newestSourceMtimeMs(directory: string): Promise<number> {
  let newest = 0;
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSourceMtimeMs(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

async function sourcesMtimeMs(app: GatewayApp): Promise<number> {
  const libs = await readdir(path.join(REPO_ROOT, 'libs'));
  const folders = [path.join(REPO_ROOT, 'apps', app, 'src'), ...libs.map((lib) => path.join(REPO_ROOT, 'libs', lib, 'src'))];
  const times = await Promise.all(folders.map(newestSourceMtimeMs));
  return Math.max(...times);
}

async function bundleMtimeMs(app: GatewayApp): Promise<number> {
  try {
    return (await stat(gatewayBundlePath(app))).mtimeMs;
  } catch {
    return -1;
  }
}

async function buildBundle(app: GatewayApp): Promise<void> {
  const outfile = gatewayBundlePath(app);
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, 'apps', app, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    plugins: [keepNpmPackagesExternal],
    logLevel: 'silent',
    write: false,
  });
  const output = result.outputFiles.find((file) => file.path === outfile) ?? result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild produced no output for ${app}`);
  await mkdir(path.dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}.${Date.now()}.partial`;
  await writeFile(partial, output.contents);
  await rename(partial, outfile);
}

/** Builds the broker and router bundles when missing or older than their sources; returns their paths. */
export async function ensureGatewayBundles(): Promise<Record<GatewayApp, string>> {
  for (const app of ['broker', 'router'] as const) {
    if ((await bundleMtimeMs(app)) < (await sourcesMtimeMs(app))) await buildBundle(app);
  }
  return { broker: gatewayBundlePath('broker'), router: gatewayBundlePath('router') };
}
