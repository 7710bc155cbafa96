// The OLM bundle and file-based catalog: generated from the chart and libs/crd (and committed
// as generated), valid by our implementation of the rules `operator-sdk bundle validate` and
// `opm validate` enforce — each rule shown to fail on a broken copy — and installing exactly
// what the Helm chart installs.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CRD_EXAMPLES, renderCrdFiles } from '@mcp-gateway/crd';
import { GENERATE_DELIVERY_COMMAND, releaseVersion, renderOlmFiles } from '../../scripts/delivery/delivery-files';
import { ensureHelm, helm, REPOSITORY_ROOT } from '../../scripts/delivery/helm-binary';
import { csvName, OLM_BUNDLES_DIRECTORY, OLM_CATALOG_FILE, OLM_CHART_RELEASE, OLM_PACKAGE, parseManifests } from '../../scripts/delivery/olm-bundle';
import { loadBundle, validateBundle, type Bundle, type BundleRule } from './support/olm-bundle-rules';
import { loadCatalog, validateCatalog, type CatalogBlob, type CatalogRule } from './support/olm-catalog-rules';

type Json = Record<string, unknown>;

let version: string;
let bundle: Bundle;
let csv: Json;

const csvSpec = (target: Bundle) => (target.manifests.find((manifest) => manifest.object['kind'] === 'ClusterServiceVersion')?.object['spec'] ?? {}) as Json;
const csvOf = (target: Bundle) => target.manifests.find((manifest) => manifest.object['kind'] === 'ClusterServiceVersion')?.object as Json;
const installSpec = (target: Bundle) => (csvSpec(target)['install'] as { spec: Json }).spec;
const firstDeployment = (target: Bundle) => (installSpec(target)['deployments'] as Array<{ name: string; spec: Json }>)[0] as { name: string; spec: Json };
const operatorContainer = (target: Bundle) => ((firstDeployment(target).spec['template'] as { spec: { containers: Array<Json & { env: Array<{ name: string; value?: string }> }> } }).spec.containers[0]) as Json & { env: Array<{ name: string; value?: string }> };

beforeAll(async () => {
  await ensureHelm();
  version = await releaseVersion();
  bundle = await loadBundle(path.join(REPOSITORY_ROOT, OLM_BUNDLES_DIRECTORY, version));
  csv = csvOf(bundle);
}, 120_000);

describe('generated OLM files', () => {
  it(`are committed as generated (regenerate with: ${GENERATE_DELIVERY_COMMAND})`, async () => {
    for (const file of await renderOlmFiles()) {
      expect({ file: file.path, content: await readFile(path.join(REPOSITORY_ROOT, file.path), 'utf8') }).toEqual({ file: file.path, content: file.content });
    }
  });

  it('hold a bundle for the repository version, named <package>.v<version>', () => {
    expect((csv['metadata'] as Json)['name']).toBe(csvName(version));
    expect(csvSpec(bundle)['version']).toBe(version);
  });

  it('ship the CRDs generated from libs/crd, byte for byte', async () => {
    for (const file of renderCrdFiles()) {
      expect(await readFile(path.join(bundle.directory, 'manifests', file.fileName), 'utf8')).toBe(file.content);
    }
  });

  it('carry the libs/crd examples, one per owned CRD, as alm-examples', () => {
    const examples = JSON.parse(((csv['metadata'] as Json)['annotations'] as Record<string, string>)['alm-examples'] ?? '[]') as Json[];
    expect(examples).toEqual(CRD_EXAMPLES.map((example) => ({ ...example, metadata: { name: example.metadata.name } })));
  });

  it('install the Deployment, RBAC and metrics Service the Helm chart renders (Helm labels aside)', async () => {
    const chart = parseManifests(await helm(['template', OLM_CHART_RELEASE.name, path.join(REPOSITORY_ROOT, 'charts', 'mcp-gateway'), '--namespace', OLM_CHART_RELEASE.namespace]));
    const byKind = (kind: string) => chart.find((manifest) => manifest.kind === kind) as Json;
    const install = installSpec(bundle);
    expect((install['clusterPermissions'] as Array<{ rules: unknown }>)[0]?.rules).toEqual(byKind('ClusterRole')['rules']);
    expect((install['permissions'] as Array<{ rules: unknown }>)[0]?.rules).toEqual(byKind('Role')['rules']);
    const chartDeployment = byKind('Deployment');
    expect(firstDeployment(bundle).name).toBe((chartDeployment['metadata'] as Json)['name']);
    const chartPod = (chartDeployment['spec'] as { template: { spec: unknown } }).template.spec;
    expect((firstDeployment(bundle).spec['template'] as { spec: unknown }).spec).toEqual(chartPod);
    const service = bundle.manifests.find((manifest) => manifest.object['kind'] === 'Service')?.object as Json;
    expect(service['spec']).toEqual(byKind('Service')['spec']);
  });

  it('list every image the operator runs or deploys, for disconnected installs', () => {
    const related = (csvSpec(bundle)['relatedImages'] as Array<{ name: string; image: string }>).map((image) => image.name);
    expect(related).toEqual(['operator', 'broker', 'router']);
    const env = operatorContainer(bundle).env;
    expect(env.filter((variable) => variable.name.startsWith('RELATED_IMAGE_')).map((variable) => variable.name)).toEqual(['RELATED_IMAGE_BROKER', 'RELATED_IMAGE_ROUTER']);
  });

  it('support the AllNamespaces install mode only (the operator watches every namespace)', () => {
    expect(csvSpec(bundle)['installModes']).toEqual([
      { type: 'OwnNamespace', supported: false },
      { type: 'SingleNamespace', supported: false },
      { type: 'MultiNamespace', supported: false },
      { type: 'AllNamespaces', supported: true },
    ]);
  });
});

describe('bundle rules (as operator-sdk bundle validate)', () => {
  it('every bundle in olm/bundles passes them', async () => {
    const versions = await readdir(path.join(REPOSITORY_ROOT, OLM_BUNDLES_DIRECTORY));
    expect(versions).toContain(version);
    for (const each of versions) expect({ version: each, problems: validateBundle(await loadBundle(path.join(REPOSITORY_ROOT, OLM_BUNDLES_DIRECTORY, each))) }).toEqual({ version: each, problems: [] });
  });

  const mutate = (change: (copy: Bundle, csvCopy: Json) => void): Bundle => {
    const copy = structuredClone(bundle);
    change(copy, csvOf(copy));
    return copy;
  };
  const annotationsOf = (target: Json) => (target['metadata'] as Json)['annotations'] as Record<string, string>;
  const specOf = (target: Json) => target['spec'] as Json;

  it.each<[BundleRule, string, (copy: Bundle, csvCopy: Json) => void]>([
    ['single-csv', 'a second CSV', (copy) => copy.manifests.push({ file: 'extra.yaml', object: structuredClone(csvOf(copy)) })],
    ['csv-name', 'a CSV name without the version', (_copy, csvCopy) => ((csvCopy['metadata'] as Json)['name'] = OLM_PACKAGE)],
    ['csv-name', 'a version that is not semver', (_copy, csvCopy) => (specOf(csvCopy)['version'] = '1.0')],
    ['annotations', 'a wrong media type', (copy) => (copy.annotations['operators.operatorframework.io.bundle.mediatype.v1'] = 'helm')],
    ['annotations', 'a default channel outside the channels', (copy) => (copy.annotations['operators.operatorframework.io.bundle.channel.default.v1'] = 'stable')],
    ['annotations', 'no channel', (copy) => delete copy.annotations['operators.operatorframework.io.bundle.channels.v1']],
    ['dockerfile-labels', 'a Dockerfile label that drifted from annotations.yaml', (copy) => (copy.dockerfile = copy.dockerfile.replace('channels.v1=alpha', 'channels.v1=beta'))],
    ['dockerfile-labels', 'a Dockerfile that forgets metadata/', (copy) => (copy.dockerfile = copy.dockerfile.replace('COPY metadata /metadata/', ''))],
    ['owned-crds', 'an owned CRD missing from manifests/', (copy) => (copy.manifests = copy.manifests.filter((manifest) => !manifest.file.startsWith('mcpvirtualservers')))],
    ['owned-crds', 'an owned version the CRD does not serve', (_copy, csvCopy) => (((specOf(csvCopy)['customresourcedefinitions'] as { owned: Json[] }).owned[0] as Json)['version'] = 'v2')],
    ['owned-crds', 'a CRD in manifests/ the CSV does not own', (_copy, csvCopy) => (specOf(csvCopy)['customresourcedefinitions'] as { owned: Json[] }).owned.pop()],
    ['alm-examples', 'no example for an owned CRD', (_copy, csvCopy) => (annotationsOf(csvCopy)['alm-examples'] = JSON.stringify(JSON.parse(annotationsOf(csvCopy)['alm-examples'] ?? '[]').slice(1)))],
    ['alm-examples', 'an example its CRD refuses', (_copy, csvCopy) => (annotationsOf(csvCopy)['alm-examples'] = (annotationsOf(csvCopy)['alm-examples'] ?? '').replace('"backendPingIntervalSeconds": 60', '"backendPingIntervalSeconds": 1'))],
    ['alm-examples', 'alm-examples that are not JSON', (_copy, csvCopy) => (annotationsOf(csvCopy)['alm-examples'] = '{not json')],
    ['install-modes', 'no install mode supported', (_copy, csvCopy) => (specOf(csvCopy)['installModes'] = [{ type: 'AllNamespaces', supported: false }])],
    ['install-modes', 'no install modes', (_copy, csvCopy) => (specOf(csvCopy)['installModes'] = [])],
    ['install-strategy', 'a selector that misses its pods', (copy) => (((firstDeployment(copy).spec['selector'] as Json)['matchLabels'] as Json)['app.kubernetes.io/name'] = 'other')],
    ['install-strategy', 'permissions for a ServiceAccount no deployment uses', (copy) => (((installSpec(copy)['permissions'] as Json[])[0] as Json)['serviceAccountName'] = 'someone-else')],
    ['related-images', 'a RELATED_IMAGE_ value missing from relatedImages', (copy) => ((operatorContainer(copy).env.find((variable) => variable.name === 'RELATED_IMAGE_ROUTER') as { value: string }).value = 'example.com/router:9')],
    ['related-images', 'a containerImage that is not the operator image', (_copy, csvCopy) => (annotationsOf(csvCopy)['containerImage'] = 'example.com/other:1')],
    ['min-kube-version', 'a minKubeVersion that is no version', (_copy, csvCopy) => (specOf(csvCopy)['minKubeVersion'] = 'latest')],
    ['upgrade-graph', 'a CSV that replaces itself', (_copy, csvCopy) => (specOf(csvCopy)['replaces'] = (csvCopy['metadata'] as Json)['name'])],
    ['upgrade-graph', 'a skipRange that is no range', (_copy, csvCopy) => (annotationsOf(csvCopy)['olm.skipRange'] = 'everything before')],
    ['operatorhub-metadata', 'no maintainers', (_copy, csvCopy) => (specOf(csvCopy)['maintainers'] = [])],
    ['operatorhub-metadata', 'an icon without data', (_copy, csvCopy) => (specOf(csvCopy)['icon'] = [{ base64data: '', mediatype: 'image/svg+xml' }])],
    ['manifest-kinds', 'a Deployment in manifests/', (copy) => copy.manifests.push({ file: 'deployment.yaml', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } } })],
    ['manifest-kinds', 'an object that names a namespace', (copy) => (((copy.manifests.find((manifest) => manifest.object['kind'] === 'Service') as { object: Json }).object['metadata'] as Json)['namespace'] = 'mcp-system')],
  ])('%s fails on %s', (rule, _case, change) => {
    const problems = validateBundle(mutate(change));
    expect(problems.map((problem) => problem.rule)).toContain(rule);
  });
});

describe('catalog rules (as opm validate)', () => {
  let catalog: CatalogBlob[];
  beforeAll(async () => {
    catalog = await loadCatalog(path.join(REPOSITORY_ROOT, OLM_CATALOG_FILE));
  });

  it('the catalog passes them, and offers every bundle in olm/bundles on its default channel', async () => {
    expect(validateCatalog(catalog)).toEqual([]);
    const versions = await readdir(path.join(REPOSITORY_ROOT, OLM_BUNDLES_DIRECTORY));
    const channel = catalog.find((blob) => blob.schema === 'olm.channel') as { entries: Array<{ name: string }> };
    expect(channel.entries.map((entry) => entry.name).sort()).toEqual(versions.map(csvName).sort());
  });

  const entriesOf = (blobs: CatalogBlob[]) => (blobs.find((blob) => blob.schema === 'olm.channel') as { entries: Array<Record<string, unknown>> }).entries;
  const secondRelease = (blobs: CatalogBlob[]) => {
    const bundleBlob = structuredClone(blobs.find((blob) => blob.schema === 'olm.bundle') as CatalogBlob);
    bundleBlob.name = `${OLM_PACKAGE}.v99.0.0`;
    bundleBlob['properties'] = [{ type: 'olm.package', value: { packageName: OLM_PACKAGE, version: '99.0.0' } }];
    blobs.push(bundleBlob);
    entriesOf(blobs).push({ name: bundleBlob.name });
  };

  it.each<[CatalogRule, string, (blobs: CatalogBlob[]) => void]>([
    ['schema', 'an unknown schema', (blobs) => blobs.push({ schema: 'olm.bundel', name: 'x' })],
    ['package', 'a default channel that does not exist', (blobs) => ((blobs.find((blob) => blob.schema === 'olm.package') as CatalogBlob)['defaultChannel'] = 'stable')],
    ['package', 'two packages', (blobs) => blobs.push({ schema: 'olm.package', name: 'other', defaultChannel: 'alpha' })],
    ['channel', 'an entry that is not a bundle', (blobs) => entriesOf(blobs).push({ name: `${OLM_PACKAGE}.v9.9.9`, replaces: csvName(version) })],
    ['bundle', 'a bundle whose olm.package version differs from its name', (blobs) => (((blobs.find((blob) => blob.schema === 'olm.bundle') as CatalogBlob)['properties'] as Array<{ value: Json }>)[0] as { value: Json }).value['version'] = '0.0.9'],
    ['bundle', 'a bundle without image', (blobs) => delete (blobs.find((blob) => blob.schema === 'olm.bundle') as CatalogBlob)['image']],
    ['upgrade-graph', 'two heads (a release that replaces nothing)', secondRelease],
    ['upgrade-graph', 'a replaces cycle', (blobs) => {
      secondRelease(blobs);
      const entries = entriesOf(blobs);
      (entries[0] as Json)['replaces'] = `${OLM_PACKAGE}.v99.0.0`;
      (entries[1] as Json)['replaces'] = csvName(version);
    }],
  ])('%s fails on %s', (rule, _case, change) => {
    const copy = structuredClone(catalog);
    change(copy);
    expect(validateCatalog(copy).map((problem) => problem.rule)).toContain(rule);
  });
});
