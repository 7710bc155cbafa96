// What a service's container image holds, assembled into a folder: the esbuild bundle (and its
// source map), the files it reads at run time, and a package.json + package-lock.json listing
// only the npm packages the bundle really imports. The Dockerfile's `<app>-files` stage runs
// this and then `npm ci --omit=dev` in the folder; the runtime stage copies the folder whole.
// The delivery tests run the very same two commands in a temporary folder and start the
// service from it, which is how we know the image is complete without a container engine.
//
// The bundle's imports come from esbuild's own metafile (not a regex); the lock file is
// pruned by Nx (`createLockFile` over the project graph), so versions are exactly the ones the
// repository's lock resolved and tested.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { REPOSITORY_ROOT } from './helm-binary';

export const DELIVERED_APPS = ['operator', 'broker', 'router'] as const;
export type DeliveredApp = (typeof DELIVERED_APPS)[number];

/** Files an app reads at run time, relative to the repository root and to the image's /app. */
export const RUNTIME_ASSETS: Readonly<Record<DeliveredApp, readonly string[]>> = Object.freeze({
  operator: [],
  // Both load the routing contract at start by walking up from main.js (routing-proto.ts).
  broker: ['protos/mcpgateway/v1/routing.proto'],
  router: ['protos/mcpgateway/v1/routing.proto'],
});

export const ASSEMBLE_RUNTIME_COMMAND = 'node --import tsx scripts/delivery/assemble-runtime.ts';
/** What the image's files stage runs in the assembled folder (the tests add --prefer-offline). */
export const RUNTIME_INSTALL_ARGS = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'] as const;

export class RuntimeDependencyError extends Error {
  override readonly name = 'RuntimeDependencyError';
}

interface LockPackage {
  version?: string;
  dev?: boolean;
  license?: string;
}
interface RootLock {
  packages: Record<string, LockPackage>;
}
interface RootManifest {
  version: string;
  license?: string;
  dependencies?: Record<string, string>;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** npm packages a bundle imports (static or literal dynamic imports), sorted. */
export async function bundleImports(bundlePath: string): Promise<string[]> {
  const everythingExternal: Plugin = {
    name: 'everything-external',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
    },
  };
  const result = await build({
    entryPoints: [bundlePath],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [everythingExternal],
  });
  const names = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external && !isBuiltin(imported.path)) names.add(packageNameOf(imported.path));
    }
  }
  return [...names].sort();
}

export interface RuntimeManifest {
  name: string;
  version: string;
  private: true;
  type: 'module';
  license: string;
  dependencies: Record<string, string>;
}

/** The pruned package.json: every import at the version the repository's lock installed. */
export function runtimeManifest(app: DeliveredApp, imports: readonly string[], rootManifest: RootManifest, rootLock: RootLock): RuntimeManifest {
  const dependencies: Record<string, string> = {};
  for (const name of imports) {
    if (rootManifest.dependencies?.[name] === undefined) {
      throw new RuntimeDependencyError(
        `${app} imports "${name}", which is not in the root package.json "dependencies" (a devDependency or a transitive one is not installed in the image): add it to "dependencies"`,
      );
    }
    const version = rootLock.packages[`node_modules/${name}`]?.version;
    if (version === undefined) throw new RuntimeDependencyError(`${app} imports "${name}", which package-lock.json does not resolve: run npm install`);
    dependencies[name] = version;
  }
  return { name: `@mcp-gateway/${app}`, version: rootManifest.version, private: true, type: 'module', license: rootManifest.license ?? 'Apache-2.0', dependencies };
}

/** Prunes the repository's lock file to one manifest's dependency closure, with Nx. */
export async function prunedLockFile(manifest: RuntimeManifest): Promise<string> {
  process.env['NX_DAEMON'] ??= 'false';
  process.env['NX_NO_CLOUD'] ??= 'true';
  const { createProjectGraphAsync } = await import('@nx/devkit');
  const { createLockFile } = await import('@nx/js');
  const graph = await createProjectGraphAsync({ exitOnError: false });
  return createLockFile(manifest, graph, 'npm');
}

export interface AssembledRuntime {
  readonly folder: string;
  readonly manifest: RuntimeManifest;
}

/**
 * Writes the runtime folder of one app from its built bundle (`dist/apps/<app>/main.js`, made
 * by `nx run <app>:build`): main.js, main.js.map, the runtime assets, package.json and lock.
 */
export async function assembleRuntimeFolder(app: DeliveredApp, folder: string, distRoot = path.join(REPOSITORY_ROOT, 'dist', 'apps')): Promise<AssembledRuntime> {
  const bundle = path.join(distRoot, app, 'main.js');
  const rootManifest = JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as RootManifest;
  const rootLock = JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'package-lock.json'), 'utf8')) as RootLock;
  const manifest = runtimeManifest(app, await bundleImports(bundle), rootManifest, rootLock);
  const lock = await prunedLockFile(manifest);

  await mkdir(folder, { recursive: true });
  await copyFile(bundle, path.join(folder, 'main.js'));
  await copyFile(`${bundle}.map`, path.join(folder, 'main.js.map'));
  for (const asset of RUNTIME_ASSETS[app]) {
    await mkdir(path.join(folder, path.dirname(asset)), { recursive: true });
    await copyFile(path.join(REPOSITORY_ROOT, asset), path.join(folder, asset));
  }
  await writeFile(path.join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(path.join(folder, 'package-lock.json'), lock.endsWith('\n') ? lock : `${lock}\n`);
  return { folder, manifest };
}
