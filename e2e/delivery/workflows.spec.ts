// The GitHub workflows and the kind suite they run, checked here because neither can run on
// our machines: actionlint (compiled to WebAssembly, from npm) passes on every workflow and
// fails on a broken one; every repository file a workflow names exists; the workflows build
// what the Dockerfile defines and run what the issue asks; the kind scripts and manifests are
// well formed, and the release notes' examples are there verbatim.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderCrdFiles } from '@mcp-gateway/crd';
import { parse, parseAllDocuments } from 'yaml';
import { RELEASE_NOTES_EXTENSION, RELEASE_NOTES_EXTENSION_WITH_SESSION_STORE } from '@mcp-gateway/crd';
import { REPOSITORY_ROOT } from '../../scripts/delivery/helm-binary';
import { DELIVERED_APPS } from '../../scripts/delivery/runtime-folder';
import { dockerfileStageNames } from './support/dockerfile-policy';
import { KubernetesSchemaChecker, type CustomResourceDefinitionDocument, type KubeManifest } from './support/kubernetes-schema-check';

const WORKFLOWS = path.join(REPOSITORY_ROOT, '.github', 'workflows');
const KIND = path.join(REPOSITORY_ROOT, 'e2e', 'kind');
const ACTIONLINT = path.join(REPOSITORY_ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown[]> };
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

async function workflow(file: string): Promise<Workflow> {
  return parse(await readFile(path.join(WORKFLOWS, file), 'utf8')) as Workflow;
}

/** Runs actionlint (WebAssembly build, ~7 s per run whatever the size) over a folder's workflows. */
function actionlint(directory: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACTIONLINT, `${directory}/*.yml`], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, output }));
  });
}

const BROKEN_WORKFLOW = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-versio: 20\n      - run: echo "${{ matrix.nothing }}"\n';
let ours: { status: number | null; output: string };
let broken: { status: number | null; output: string };

beforeAll(async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'mcp-gateway-actionlint-'));
  try {
    await writeFile(path.join(directory, 'broken.yml'), BROKEN_WORKFLOW);
    [ours, broken] = await Promise.all([actionlint(WORKFLOWS), actionlint(directory)]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}, 90_000);

/** Repository paths a workflow names in run scripts and action inputs (templated ones resolved per matrix value). */
function referencedPaths(job: Job): string[] {
  const matrix = job.strategy?.matrix ?? {};
  const expand = (text: string): string[] => {
    const match = /\$\{\{\s*matrix\.(\w+)\s*\}\}/.exec(text);
    if (match === null) return [text];
    const values = (matrix[match[1] ?? ''] ?? []) as unknown[];
    return values.flatMap((value) => expand(text.replace(match[0], String(value))));
  };
  const texts = (job.steps ?? []).flatMap((step) => [step.run ?? '', ...Object.values(step.with ?? {}).map(String)]);
  const paths = texts.flatMap(expand).flatMap((text) => [...text.matchAll(/(?:^|[\s"'=(])((?:\.ci|\.github|e2e|scripts|olm|charts|docs|apps|libs)\/[\w./-]*[\w])/gm)].map((match) => match[1] ?? ''));
  const local = job.uses?.startsWith('./') ? [job.uses.slice(2)] : [];
  return [...paths, ...local].filter((candidate) => !candidate.includes('$') && !candidate.includes('*'));
}

describe('GitHub workflows', () => {
  it('pass actionlint', async () => {
    const files = (await readdir(WORKFLOWS)).filter((file) => file.endsWith('.yml'));
    expect(files.sort()).toEqual(['bundle.yml', 'ci.yml', 'e2e-kind.yml', 'images.yml', 'release.yml']);
    expect(ours).toEqual({ status: 0, output: expect.stringContaining(`Checking ${files.length} workflow file(s)`) });
  });

  it('actionlint fails on a broken workflow (an undefined matrix value and a mistyped action input)', () => {
    expect(broken.status).not.toBe(0);
    expect(broken.output).toContain('node-versio');
    expect(broken.output).toContain('matrix');
  });

  it('name only repository files that exist', async () => {
    const missing: string[] = [];
    for (const file of (await readdir(WORKFLOWS)).filter((name) => name.endsWith('.yml'))) {
      for (const [jobName, job] of Object.entries((await workflow(file)).jobs)) {
        for (const reference of referencedPaths(job)) {
          if (!existsSync(path.join(REPOSITORY_ROOT, reference))) missing.push(`${file} (${jobName}): ${reference}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('ci runs .ci/run on every push and pull request', async () => {
    const ci = await workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(ci.jobs['ci']?.steps?.some((step) => step.run === 'bash .ci/run')).toBe(true);
  });

  it('images builds every service target of the Dockerfile for amd64 and arm64, with SBOM and provenance, pushing only outside pull requests', async () => {
    const images = await workflow('images.yml');
    const job = images.jobs['image'] as Job;
    const stages = dockerfileStageNames(await readFile(path.join(REPOSITORY_ROOT, 'Dockerfile'), 'utf8'));
    expect(job.strategy?.matrix?.['service']).toEqual([...DELIVERED_APPS]);
    for (const service of DELIVERED_APPS) expect(stages).toContain(service);
    const build = job.steps?.find((step) => step.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ file: 'Dockerfile', target: '${{ matrix.service }}', platforms: 'linux/amd64,linux/arm64', sbom: true, provenance: 'mode=max', push: "${{ github.event_name != 'pull_request' }}" });
    expect(String(build?.with?.['cache-from'])).toContain('type=gha');
    expect(Object.keys(images.on)).toContain('workflow_call');
  });

  it('e2e-kind installs through Helm in one job and through OLM in another, and drives an MCP client', async () => {
    const job = (await workflow('e2e-kind.yml')).jobs['e2e'] as Job;
    expect(job.strategy?.matrix?.['install']).toEqual(['helm', 'olm']);
    const runs = (job.steps ?? []).map((step) => step.run ?? '').join('\n');
    for (const script of ['create-cluster.sh', 'build-images.sh', 'install-gateway.sh', 'install-with-${{ matrix.install }}.sh', 'deploy-examples.sh', 'check-gateway.sh', 'apply-session-store-example.sh']) {
      expect(runs).toContain(`e2e/kind/${script}`);
    }
  });

  it('bundle runs operator-sdk bundle validate with the OperatorHub suite and opm validate', async () => {
    const runs = ((await workflow('bundle.yml')).jobs['validate']?.steps ?? []).map((step) => step.run ?? '').join('\n');
    expect(runs).toContain('operator-sdk bundle validate');
    expect(runs).toContain('--select-optional suite=operatorframework');
    expect(runs).toContain('opm validate olm/catalog');
    expect(runs).toContain('git diff --exit-code');
  });

  it('release checks the tag against package.json, then publishes images, chart, bundle and catalog with that version', async () => {
    const release = await workflow('release.yml');
    expect(release.on['push']).toEqual({ tags: ['v*.*.*'] });
    expect(release.jobs['images']?.uses).toBe('./.github/workflows/images.yml');
    const runs = Object.values(release.jobs).flatMap((job) => (job.steps ?? []).map((step) => `${step.run ?? ''} ${JSON.stringify(step.with ?? {})}`)).join('\n');
    for (const expected of ['require("./package.json").version', 'helm push', 'bundle.Dockerfile', 'catalog.Dockerfile', 'gh release create']) expect(runs).toContain(expected);
  });
});

describe('the kind suite', () => {
  it('has executable bash scripts, each loading the shared settings', async () => {
    const scripts = (await readdir(KIND)).filter((file) => file.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThanOrEqual(10);
    for (const script of scripts) {
      const full = path.join(KIND, script);
      const content = await readFile(full, 'utf8');
      expect({ script, shebang: content.startsWith('#!/usr/bin/env bash\n'), executable: (statSync(full).mode & 0o111) !== 0 }).toEqual({ script, shebang: true, executable: true });
      if (script !== 'lib.sh') expect({ script, sourcesLib: content.includes('source "$(dirname "$0")/lib.sh"') }).toEqual({ script, sourcesLib: true });
      const syntax = spawnSync('bash', ['-n', full], { encoding: 'utf8' });
      expect({ script, status: syntax.status, stderr: syntax.stderr }).toEqual({ script, status: 0, stderr: '' });
    }
  });

  it('applies the release notes examples verbatim', async () => {
    expect(await readFile(path.join(KIND, 'manifests', 'release-notes-extension.yaml'), 'utf8')).toBe(RELEASE_NOTES_EXTENSION);
    expect(await readFile(path.join(KIND, 'manifests', 'release-notes-extension-session-store.yaml'), 'utf8')).toBe(RELEASE_NOTES_EXTENSION_WITH_SESSION_STORE);
  });

  it('has manifests the Kubernetes schemas and our CRDs accept', async () => {
    const checker = new KubernetesSchemaChecker(renderCrdFiles().map((file) => parse(file.content) as CustomResourceDefinitionDocument));
    const problems: string[] = [];
    let checked = 0;
    for (const file of await readdir(path.join(KIND, 'manifests'))) {
      for (const document of parseAllDocuments(await readFile(path.join(KIND, 'manifests', file), 'utf8'))) {
        expect(document.errors).toEqual([]);
        const manifest = document.toJS() as KubeManifest;
        if (!checker.knows(manifest)) continue;
        checked += 1;
        problems.push(...checker.problems(manifest));
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    expect(problems).toEqual([]);
  });
});

