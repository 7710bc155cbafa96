// Our own implementation of the bundle rules `operator-sdk bundle validate` (and its
// OperatorHub suite) enforces, for machines without operator-sdk: the real validator runs in
// the `bundle` workflow. Each rule reads a bundle loaded from disk (or a mutated copy of one,
// which is how olm-bundle.spec.ts proves every rule can fail) and returns readable problems.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { strictJsonSchema } from '../../../scripts/delivery/chart-values-schema';
import type { OpenApiSchema } from '@mcp-gateway/crd';
import { lintDockerfile, stageInstructions } from './dockerfile-policy';

export type BundleRule =
  | 'single-csv'
  | 'csv-name'
  | 'annotations'
  | 'dockerfile-labels'
  | 'owned-crds'
  | 'alm-examples'
  | 'install-modes'
  | 'install-strategy'
  | 'related-images'
  | 'min-kube-version'
  | 'upgrade-graph'
  | 'operatorhub-metadata'
  | 'manifest-kinds';

export interface BundleProblem {
  readonly rule: BundleRule;
  readonly message: string;
}

type Json = Record<string, unknown>;

export interface Bundle {
  readonly directory: string;
  /** Every document of every file in manifests/, with its file name. */
  manifests: Array<{ file: string; object: Json }>;
  annotations: Record<string, string>;
  dockerfile: string;
}

export const REQUIRED_ANNOTATIONS = Object.freeze({
  'operators.operatorframework.io.bundle.mediatype.v1': 'registry+v1',
  'operators.operatorframework.io.bundle.manifests.v1': 'manifests/',
  'operators.operatorframework.io.bundle.metadata.v1': 'metadata/',
});

/** Kinds OLM can install from a registry+v1 bundle's manifests/ besides the CSV and CRDs. */
const INSTALLABLE_KINDS = new Set([
  'ClusterServiceVersion', 'CustomResourceDefinition', 'Secret', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'ServiceAccount', 'Service', 'Role',
  'RoleBinding', 'PrometheusRule', 'ServiceMonitor', 'PodDisruptionBudget', 'PriorityClass', 'VerticalPodAutoscaler', 'ConsoleYAMLSample', 'ConsoleQuickStart',
  'ConsoleCLIDownload', 'ConsoleLink', 'NetworkPolicy',
]);
const INSTALL_MODE_TYPES = ['OwnNamespace', 'SingleNamespace', 'MultiNamespace', 'AllNamespaces'];
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-.]+)?(\+[0-9A-Za-z-.]+)?$/;
const SEMVER_RANGE = /^(\s*(<=|>=|<|>|=)?\s*v?\d+\.\d+\.\d+(-[0-9A-Za-z-.]+)?\s*)+$/;
const CHANNEL_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export async function loadBundle(directory: string): Promise<Bundle> {
  const manifestsDirectory = path.join(directory, 'manifests');
  const manifests: Bundle['manifests'] = [];
  for (const file of (await readdir(manifestsDirectory)).sort()) {
    for (const document of parseAllDocuments(await readFile(path.join(manifestsDirectory, file), 'utf8'))) {
      const object = document.toJS() as Json | null;
      if (object !== null) manifests.push({ file, object });
    }
  }
  const annotations = ((parse(await readFile(path.join(directory, 'metadata', 'annotations.yaml'), 'utf8')) as { annotations?: Record<string, string> } | null)?.annotations ?? {});
  const dockerfile = await readFile(path.join(directory, 'bundle.Dockerfile'), 'utf8');
  return { directory, manifests, annotations, dockerfile };
}

const get = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Json)[key] : undefined), value);
const array = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function csvOf(bundle: Bundle): Json | undefined {
  return bundle.manifests.find((manifest) => manifest.object['kind'] === 'ClusterServiceVersion')?.object;
}

function crdsOf(bundle: Bundle): Json[] {
  return bundle.manifests.filter((manifest) => manifest.object['kind'] === 'CustomResourceDefinition').map((manifest) => manifest.object);
}

export function validateBundle(bundle: Bundle): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const report = (rule: BundleRule, message: string) => problems.push({ rule, message });
  const csvs = bundle.manifests.filter((manifest) => manifest.object['kind'] === 'ClusterServiceVersion');
  if (csvs.length !== 1) {
    report('single-csv', `manifests/ must hold exactly one ClusterServiceVersion, found ${csvs.length}`);
    if (csvs.length === 0) return problems;
  }
  const csv = csvOf(bundle) as Json;
  const spec = (csv['spec'] ?? {}) as Json;
  const packageName = bundle.annotations['operators.operatorframework.io.bundle.package.v1'] ?? '';

  // csv-name: <package>.v<semver>, and spec.version is that semver.
  const version = text(spec['version']);
  if (!SEMVER.test(version)) report('csv-name', `spec.version "${version}" is not a semantic version`);
  const name = text(get(csv, 'metadata', 'name'));
  if (name !== `${packageName}.v${version}`) report('csv-name', `CSV name "${name}" must be "<package>.v<version>" = "${packageName}.v${version}"`);

  // annotations: the fixed keys, a package, channels and a default channel among them.
  for (const [key, value] of Object.entries(REQUIRED_ANNOTATIONS)) {
    if (bundle.annotations[key] !== value) report('annotations', `metadata/annotations.yaml: ${key} must be "${value}", found "${bundle.annotations[key] ?? ''}"`);
  }
  if (packageName === '') report('annotations', 'metadata/annotations.yaml: operators.operatorframework.io.bundle.package.v1 is missing');
  const channels = (bundle.annotations['operators.operatorframework.io.bundle.channels.v1'] ?? '').split(',').map((channel) => channel.trim()).filter((channel) => channel !== '');
  if (channels.length === 0) report('annotations', 'metadata/annotations.yaml: operators.operatorframework.io.bundle.channels.v1 names no channel');
  for (const channel of channels) if (!CHANNEL_NAME.test(channel)) report('annotations', `channel "${channel}" is not a valid channel name`);
  const defaultChannel = bundle.annotations['operators.operatorframework.io.bundle.channel.default.v1'];
  if (defaultChannel !== undefined && !channels.includes(defaultChannel)) report('annotations', `default channel "${defaultChannel}" is not among the channels ${channels.join(', ')}`);

  // dockerfile-labels: the image carries the annotations as labels, and copies both folders.
  const labels = new Map<string, string>();
  for (const instruction of stageInstructions(bundle.dockerfile, '')) {
    if (instruction.keyword !== 'LABEL') continue;
    for (const match of instruction.arguments.matchAll(/([\w./-]+)=("([^"]*)"|\S+)/g)) labels.set(match[1] ?? '', match[3] ?? match[2] ?? '');
  }
  for (const [key, value] of Object.entries(bundle.annotations)) {
    if (labels.get(key) !== value) report('dockerfile-labels', `bundle.Dockerfile must LABEL ${key}=${value} like metadata/annotations.yaml (found "${labels.get(key) ?? ''}")`);
  }
  const copies = stageInstructions(bundle.dockerfile, '').filter((instruction) => instruction.keyword === 'COPY').map((instruction) => instruction.arguments.replace(/\s+/g, ' '));
  for (const folder of ['manifests', 'metadata']) {
    if (!copies.some((copy) => copy.startsWith(`${folder} /${folder}`))) report('dockerfile-labels', `bundle.Dockerfile must COPY ${folder} /${folder}/`);
  }
  for (const finding of lintDockerfile(bundle.dockerfile, { file: 'bundle.Dockerfile' })) report('dockerfile-labels', `${finding.rule}: ${finding.message}`);

  // owned-crds: each owned entry is a CRD in manifests/ serving that version and kind, and each CRD in manifests/ is owned.
  const crds = crdsOf(bundle);
  const owned = array(get(spec, 'customresourcedefinitions', 'owned'));
  for (const entry of owned) {
    const crd = crds.find((candidate) => get(candidate, 'metadata', 'name') === entry['name']);
    if (crd === undefined) {
      report('owned-crds', `owned CRD ${text(entry['name'])} is not in manifests/`);
      continue;
    }
    if (get(crd, 'spec', 'names', 'kind') !== entry['kind']) report('owned-crds', `owned CRD ${text(entry['name'])}: kind "${text(entry['kind'])}" differs from the CRD's "${text(get(crd, 'spec', 'names', 'kind'))}"`);
    const served = array(get(crd, 'spec', 'versions')).filter((candidate) => candidate['served'] === true).map((candidate) => candidate['name']);
    if (!served.includes(entry['version'])) report('owned-crds', `owned CRD ${text(entry['name'])}: version ${text(entry['version'])} is not served by the CRD`);
    if (text(entry['displayName']) === '' || text(entry['description']) === '') report('owned-crds', `owned CRD ${text(entry['name'])} needs a displayName and a description`);
    if (array(entry['specDescriptors']).length === 0) report('owned-crds', `owned CRD ${text(entry['name'])} has no specDescriptors`);
    for (const descriptor of [...array(entry['specDescriptors']), ...array(entry['statusDescriptors'])]) {
      if (text(descriptor['path']) === '' || text(descriptor['displayName']) === '') report('owned-crds', `owned CRD ${text(entry['name'])}: a descriptor lacks a path or displayName`);
    }
  }
  for (const crd of crds) {
    const crdName = text(get(crd, 'metadata', 'name'));
    if (!owned.some((entry) => entry['name'] === crdName)) report('owned-crds', `CRD ${crdName} is in manifests/ but not owned by the CSV`);
  }

  // alm-examples: JSON, one example per owned CRD, each valid against its CRD schema.
  let examples: Json[] = [];
  try {
    const parsed = JSON.parse(text(get(csv, 'metadata', 'annotations', 'alm-examples')) || 'null') as unknown;
    if (!Array.isArray(parsed)) throw new Error('not a JSON array');
    examples = parsed as Json[];
  } catch (error) {
    report('alm-examples', `metadata.annotations.alm-examples must be a JSON array of objects: ${(error as Error).message}`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const entry of owned) {
    const crd = crds.find((candidate) => get(candidate, 'metadata', 'name') === entry['name']);
    const group = text(get(crd, 'spec', 'group'));
    const apiVersion = `${group}/${text(entry['version'])}`;
    const example = examples.find((candidate) => candidate['apiVersion'] === apiVersion && candidate['kind'] === entry['kind']);
    if (example === undefined) {
      report('alm-examples', `alm-examples has no ${apiVersion} ${text(entry['kind'])}`);
      continue;
    }
    const versionSchema = array(get(crd, 'spec', 'versions')).find((candidate) => candidate['name'] === entry['version']);
    const schema = get(versionSchema, 'schema', 'openAPIV3Schema') as OpenApiSchema | undefined;
    if (schema !== undefined) {
      const strict = strictJsonSchema(schema);
      const validate = ajv.compile({ ...strict, properties: { ...(strict['properties'] as Json), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } } });
      if (!validate(example)) report('alm-examples', `alm-examples ${text(entry['kind'])} does not match its CRD: ${ajv.errorsText(validate.errors)}`);
    }
  }
  for (const example of examples) {
    if (!owned.some((entry) => entry['kind'] === example['kind'])) report('alm-examples', `alm-examples has a ${text(example['kind'])}, which the CSV does not own`);
  }

  // install-modes: the four known types at most once each, at least one supported.
  const installModes = array(spec['installModes']);
  if (installModes.length === 0) report('install-modes', 'spec.installModes is empty');
  for (const mode of installModes) if (!INSTALL_MODE_TYPES.includes(text(mode['type']))) report('install-modes', `unknown install mode "${text(mode['type'])}"`);
  if (new Set(installModes.map((mode) => mode['type'])).size !== installModes.length) report('install-modes', 'an install mode is listed twice');
  if (installModes.length > 0 && !installModes.some((mode) => mode['supported'] === true)) report('install-modes', 'no install mode is supported');

  // install-strategy: a deployment strategy whose deployments select their own pods and whose permissions name their service accounts.
  if (get(spec, 'install', 'strategy') !== 'deployment') report('install-strategy', 'spec.install.strategy must be "deployment"');
  const deployments = array(get(spec, 'install', 'spec', 'deployments'));
  if (deployments.length === 0) report('install-strategy', 'spec.install.spec.deployments is empty');
  const serviceAccounts = new Set<string>();
  for (const deployment of deployments) {
    const selector = (get(deployment, 'spec', 'selector', 'matchLabels') ?? {}) as Record<string, string>;
    const podLabels = (get(deployment, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
    if (Object.keys(selector).length === 0 || Object.entries(selector).some(([key, value]) => podLabels[key] !== value)) {
      report('install-strategy', `deployment ${text(deployment['name'])}: selector does not match its pod template labels`);
    }
    const account = text(get(deployment, 'spec', 'template', 'spec', 'serviceAccountName'));
    if (account === '') report('install-strategy', `deployment ${text(deployment['name'])} names no serviceAccountName`);
    serviceAccounts.add(account);
  }
  for (const field of ['clusterPermissions', 'permissions']) {
    for (const permission of array(get(spec, 'install', 'spec', field))) {
      if (!serviceAccounts.has(text(permission['serviceAccountName']))) report('install-strategy', `${field} for "${text(permission['serviceAccountName'])}", which no deployment runs as`);
      for (const rule of array(permission['rules'])) {
        if (array(rule['verbs']).length === 0 || (array(rule['resources']).length === 0 && array(rule['nonResourceURLs']).length === 0)) report('install-strategy', `${field}: a rule without verbs or resources`);
      }
    }
  }

  // related-images: every image a deployment runs or hands out (RELATED_IMAGE_*) is listed, so mirrors for disconnected installs know them.
  const related = new Set(array(spec['relatedImages']).map((image) => text(image['image'])));
  for (const deployment of deployments) {
    for (const container of [...array(get(deployment, 'spec', 'template', 'spec', 'containers')), ...array(get(deployment, 'spec', 'template', 'spec', 'initContainers'))]) {
      if (!related.has(text(container['image']))) report('related-images', `image ${text(container['image'])} is not in spec.relatedImages`);
      for (const variable of array(container['env'])) {
        if (text(variable['name']).startsWith('RELATED_IMAGE_') && !related.has(text(variable['value']))) report('related-images', `${text(variable['name'])}=${text(variable['value'])} is not in spec.relatedImages`);
      }
    }
  }
  const operatorImage = text(get(deployments[0], 'spec', 'template', 'spec', 'containers', '0', 'image'));
  if (get(csv, 'metadata', 'annotations', 'containerImage') !== operatorImage) report('related-images', `metadata.annotations.containerImage must be the operator image ${operatorImage}`);

  // min-kube-version
  if (!SEMVER.test(text(spec['minKubeVersion']))) report('min-kube-version', `spec.minKubeVersion "${text(spec['minKubeVersion'])}" must be a semantic version such as 1.28.0`);

  // upgrade-graph: replaces names another version of the same package; skipRange parses.
  const replaces = spec['replaces'];
  if (replaces !== undefined) {
    const replacedVersion = text(replaces).startsWith(`${packageName}.v`) ? text(replaces).slice(packageName.length + 2) : '';
    if (replaces === name) report('upgrade-graph', 'spec.replaces names the CSV itself');
    else if (!SEMVER.test(replacedVersion)) report('upgrade-graph', `spec.replaces "${text(replaces)}" must be "${packageName}.v<version>"`);
  }
  const skipRange = get(csv, 'metadata', 'annotations', 'olm.skipRange');
  if (skipRange !== undefined && !SEMVER_RANGE.test(text(skipRange))) report('upgrade-graph', `olm.skipRange "${text(skipRange)}" is not a version range`);

  // operatorhub-metadata: what the OperatorHub suite requires of a listing.
  for (const field of ['displayName', 'description', 'provider', 'maintainers', 'links', 'keywords', 'icon', 'maturity']) {
    const value = spec[field];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) report('operatorhub-metadata', `spec.${field} is required`);
  }
  for (const maintainer of array(spec['maintainers'])) if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text(maintainer['email']))) report('operatorhub-metadata', `maintainer "${text(maintainer['name'])}" needs a valid email`);
  for (const link of array(spec['links'])) if (!/^https?:\/\//.test(text(link['url']))) report('operatorhub-metadata', `link "${text(link['name'])}" needs an http(s) URL`);
  for (const icon of array(spec['icon'])) {
    if (!['image/svg+xml', 'image/png', 'image/jpeg', 'image/gif'].includes(text(icon['mediatype'])) || text(icon['base64data']) === '') report('operatorhub-metadata', 'spec.icon needs base64data and an image mediatype');
  }
  const capabilities = text(get(csv, 'metadata', 'annotations', 'capabilities'));
  if (!['Basic Install', 'Seamless Upgrades', 'Full Lifecycle', 'Deep Insights', 'Auto Pilot'].includes(capabilities)) report('operatorhub-metadata', `capabilities "${capabilities}" is not a capability level`);

  // manifest-kinds: OLM can only install some kinds from a bundle.
  for (const manifest of bundle.manifests) {
    if (!INSTALLABLE_KINDS.has(text(manifest.object['kind']))) report('manifest-kinds', `${manifest.file}: OLM cannot install a ${text(manifest.object['kind'])} from a bundle`);
    if (manifest.object['kind'] !== 'ClusterServiceVersion' && get(manifest.object, 'metadata', 'namespace') !== undefined) report('manifest-kinds', `${manifest.file}: objects in a bundle must not name a namespace (OLM installs them into the operator's)`);
  }
  return problems;
}
