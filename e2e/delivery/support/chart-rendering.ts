// `helm template` of the repository's chart with the real helm binary, parsed into objects.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { helm, REPOSITORY_ROOT, runHelm, type HelmResult } from '../../../scripts/delivery/helm-binary';
import type { KubeManifest } from './kubernetes-schema-check';

export const CHART_PATH = path.join(REPOSITORY_ROOT, 'charts', 'mcp-gateway');
export const RELEASE = { name: 'mcp', namespace: 'mcp-system' } as const;

export interface RenderOptions {
  /** Values files relative to the chart (e.g. `ci/production-values.yaml`). */
  readonly valuesFiles?: readonly string[];
  /** Inline values, passed as one more values file. */
  readonly values?: Record<string, unknown>;
  readonly includeCrds?: boolean;
  readonly showOnly?: string;
}

async function withValuesFile<T>(values: Record<string, unknown> | undefined, use: (args: string[]) => Promise<T>): Promise<T> {
  if (values === undefined) return use([]);
  const directory = await mkdtemp(path.join(tmpdir(), 'mcp-gateway-values-'));
  try {
    const file = path.join(directory, 'values.yaml');
    await writeFile(file, stringify(values));
    return await use(['-f', file]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function templateArgs(options: RenderOptions, extra: readonly string[]): string[] {
  return [
    'template',
    RELEASE.name,
    CHART_PATH,
    '--namespace',
    RELEASE.namespace,
    ...(options.includeCrds ? ['--include-crds'] : []),
    ...(options.showOnly ? ['--show-only', options.showOnly] : []),
    ...(options.valuesFiles ?? []).flatMap((file) => ['-f', path.join(CHART_PATH, file)]),
    ...extra,
  ];
}

/** Rendered objects; throws HelmCommandError when helm refuses. */
export async function renderChart(options: RenderOptions = {}): Promise<KubeManifest[]> {
  const output = await withValuesFile(options.values, (extra) => helm(templateArgs(options, extra)));
  return parseAllDocuments(output)
    .map((document) => document.toJS() as KubeManifest | null)
    .filter((manifest): manifest is KubeManifest => manifest !== null);
}

/** `helm template` without throwing, for the cases that must fail. */
export function tryRenderChart(options: RenderOptions = {}): Promise<HelmResult> {
  return withValuesFile(options.values, (extra) => runHelm(templateArgs(options, extra)));
}

export function lintChart(valuesFiles: readonly string[] = []): Promise<HelmResult> {
  return runHelm(['lint', '--strict', CHART_PATH, '--namespace', RELEASE.namespace, ...valuesFiles.flatMap((file) => ['-f', path.join(CHART_PATH, file)])]);
}

export function findManifest(manifests: readonly KubeManifest[], kind: string, nameSuffix = ''): KubeManifest {
  const found = manifests.find((manifest) => manifest.kind === kind && (manifest.metadata?.name ?? '').endsWith(nameSuffix));
  if (found === undefined) throw new Error(`no ${kind}${nameSuffix ? ` named *${nameSuffix}` : ''} among ${manifests.map((manifest) => manifest.kind).join(', ')}`);
  return found;
}
