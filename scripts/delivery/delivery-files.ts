// Every file the delivery generator owns, rendered in memory: the chart's RBAC rules and
// values schema, and the OLM bundle and catalog. `generate-delivery.ts` writes them; the
// delivery specs compare them with the committed files, so a change to a source (CRDs, RBAC,
// chart templates, version) that was not regenerated fails `npm test`.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { renderCrdFiles } from '@mcp-gateway/crd';
import { parse } from 'yaml';
import { chartValuesSchema } from './chart-values-schema';
import { CHART_RBAC_FILE, OPERATOR_RBAC_SOURCE, renderChartRbacRules } from './chart-rbac-rules';
import { helm, REPOSITORY_ROOT } from './helm-binary';
import {
  catalogDockerfile,
  OLM_BUNDLES_DIRECTORY,
  OLM_CATALOG_FILE,
  OLM_CHART_RELEASE,
  OLM_ICON_FILE,
  parseManifests,
  renderBundle,
  renderCatalog,
  renderClusterServiceVersion,
  type CatalogBundle,
} from './olm-bundle';

export const GENERATE_DELIVERY_COMMAND = 'node --import tsx scripts/delivery/generate-delivery.ts';
export const CHART_DIRECTORY = 'charts/mcp-gateway';
export const CHART_VALUES_SCHEMA_FILE = `${CHART_DIRECTORY}/values.schema.json`;

export interface DeliveryFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

/** The chart's generated files; they must be on disk before the chart is rendered for OLM. */
export async function renderChartFiles(): Promise<DeliveryFile[]> {
  const roleYaml = await readFile(path.join(REPOSITORY_ROOT, OPERATOR_RBAC_SOURCE), 'utf8');
  return [
    { path: CHART_RBAC_FILE, content: renderChartRbacRules(roleYaml) },
    { path: CHART_VALUES_SCHEMA_FILE, content: `${JSON.stringify(chartValuesSchema(), null, 2)}\n` },
  ];
}

/** Reads the version every delivered artefact carries: the repository's package.json version. */
export async function releaseVersion(): Promise<string> {
  return (JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

async function existingBundleVersions(): Promise<string[]> {
  try {
    const entries = await readdir(path.join(REPOSITORY_ROOT, OLM_BUNDLES_DIRECTORY), { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

async function committedCatalogBundle(version: string): Promise<CatalogBundle> {
  const manifests = path.join(REPOSITORY_ROOT, OLM_BUNDLES_DIRECTORY, version, 'manifests');
  const documents = await Promise.all((await readdir(manifests)).sort().map(async (file) => parseManifests(await readFile(path.join(manifests, file), 'utf8'))));
  const all = documents.flat();
  const csv = all.find((manifest) => manifest.kind === 'ClusterServiceVersion');
  if (csv === undefined) throw new Error(`${OLM_BUNDLES_DIRECTORY}/${version} has no ClusterServiceVersion`);
  return { version, csv, crds: all.filter((manifest) => manifest.kind === 'CustomResourceDefinition') as unknown as CatalogBundle['crds'] };
}

/**
 * The OLM bundle of the current version (olm/bundles/<version>/), the file-based catalog
 * listing it after every older bundle kept in olm/bundles, and the catalog's Dockerfile. The
 * operator's objects come from the chart as committed, so run renderChartFiles first.
 */
export async function renderOlmFiles(): Promise<DeliveryFile[]> {
  const version = await releaseVersion();
  const chartYaml = await helm(['template', OLM_CHART_RELEASE.name, path.join(REPOSITORY_ROOT, CHART_DIRECTORY), '--namespace', OLM_CHART_RELEASE.namespace]);
  const iconSvg = await readFile(path.join(REPOSITORY_ROOT, OLM_ICON_FILE), 'utf8');
  const previousVersions = (await existingBundleVersions()).filter((existing) => existing !== version);
  const inputs = { version, previousVersions, chartYaml, crdFiles: renderCrdFiles(), iconSvg };
  const bundleFiles = renderBundle(inputs).map((file) => ({ path: `${OLM_BUNDLES_DIRECTORY}/${version}/${file.path}`, content: file.content }));
  const current: CatalogBundle = {
    version,
    csv: renderClusterServiceVersion(inputs),
    crds: inputs.crdFiles.map((file) => parse(file.content) as CatalogBundle['crds'][number]),
  };
  const older = await Promise.all(previousVersions.map(committedCatalogBundle));
  return [
    ...bundleFiles,
    { path: OLM_CATALOG_FILE, content: renderCatalog([...older, current], iconSvg) },
    { path: 'olm/catalog.Dockerfile', content: catalogDockerfile() },
  ];
}
