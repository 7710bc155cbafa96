// The architecture's import rules, kept by tests rather than by prose: apps import libs,
// libs never import apps, no app imports another app, only tests use the testing lib, and
// the router (the hot path) never pulls in the Kubernetes client.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APPS = ['broker', 'router', 'operator'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (full.endsWith('.ts')) out.push(full);
  }
  return out;
}

const IMPORT_PATTERN = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT_PATTERN)].map((m) => (m[1] ?? m[2]) as string);
}

/** Which project a resolved file belongs to, e.g. `apps/router` or `libs/jsonrpc`. */
function projectOf(file: string): string | undefined {
  const rel = path.relative(root, file).split(path.sep);
  if ((rel[0] === 'apps' || rel[0] === 'libs') && rel[1]) return `${rel[0]}/${rel[1]}`;
  return undefined;
}

interface ImportEdge {
  from: string;
  fromProject: string;
  specifier: string;
  toProject: string | undefined;
}

function edges(): ImportEdge[] {
  const files = [...sourceFiles(path.join(root, 'apps')), ...sourceFiles(path.join(root, 'libs'))];
  return files.flatMap((file) => {
    const fromProject = projectOf(file) as string;
    return importsOf(file).map((specifier) => {
      let toProject: string | undefined;
      if (specifier.startsWith('.')) toProject = projectOf(path.resolve(path.dirname(file), specifier));
      else if (specifier.startsWith('@mcp-gateway/')) {
        const name = specifier.slice('@mcp-gateway/'.length).split('/')[0] as string;
        toProject = APPS.includes(name) ? `apps/${name}` : `libs/${name}`;
      }
      return { from: path.relative(root, file), fromProject, specifier, toProject };
    });
  });
}

const isSpec = (file: string) => file.endsWith('.spec.ts');

describe('module boundaries', () => {
  const all = edges();

  it('no app imports another app, and no lib imports an app', () => {
    const offending = all.filter(
      (e) => e.toProject?.startsWith('apps/') && e.toProject !== e.fromProject,
    );
    expect(offending).toEqual([]);
  });

  it('no project reaches into another project by relative path', () => {
    const offending = all.filter(
      (e) => e.specifier.startsWith('.') && e.toProject !== undefined && e.toProject !== e.fromProject,
    );
    expect(offending).toEqual([]);
  });

  it('only specs use the test-only libs (testing, kube-fake)', () => {
    const offending = all.filter(
      (e) => (e.toProject === 'libs/testing' || e.toProject === 'libs/kube-fake') && e.toProject !== e.fromProject && !isSpec(e.from),
    );
    expect(offending).toEqual([]);
  });

  it('the router never imports the Kubernetes client', () => {
    const offending = all.filter(
      (e) => e.fromProject === 'apps/router' && e.specifier.startsWith('@kubernetes/'),
    );
    expect(offending).toEqual([]);
  });

  it('npm run lint rejects an app importing another app', () => {
    const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
    spawnSync(path.join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], { cwd: root, env, stdio: 'ignore' });
    const probe = [
      "import { startBroker } from '@mcp-gateway/broker';",
      "import { anything } from '../../broker/src/main';",
      'export const probe = [startBroker, anything];',
      '',
    ].join('\n');
    const result = spawnSync(
      path.join(root, 'node_modules', '.bin', 'eslint'),
      ['--stdin', '--stdin-filename', 'apps/router/src/boundary-probe.ts', '--format', 'json'],
      { cwd: root, env, input: probe, encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string; line: number }> }>;
    const rules = report?.messages.map((m) => `${m.line}:${m.ruleId}`) ?? [];
    expect(rules).toEqual(expect.arrayContaining(['1:no-restricted-imports', '2:@nx/enforce-module-boundaries']));
  }, 60_000);
});
