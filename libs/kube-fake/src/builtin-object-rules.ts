// What the real API server does to built-in objects on write, for the kinds and fields the
// operator touches: defaulting (so a controller that compares desired with live naively sees
// the same extra fields it would see in a cluster) and the validation errors a wrong object
// gets (a Deployment whose selector does not match its template, a Secret with bad base64).
import { randomInt } from 'node:crypto';
import type { StatusCause } from './kube-status-error';
import type { ResourceType } from './resource-type';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setDefault(object: JsonObject, key: string, value: unknown): void {
  if (object[key] === undefined) object[key] = value;
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  if (isObject(probe['httpGet'])) setDefault(probe['httpGet'], 'scheme', 'HTTP');
}

function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isObject(container)) continue;
      setDefault(container, 'terminationMessagePath', '/dev/termination-log');
      setDefault(container, 'terminationMessagePolicy', 'File');
      const image = String(container['image'] ?? '');
      setDefault(container, 'imagePullPolicy', image.endsWith(':latest') || !/:[^/]+$/.test(image) ? 'Always' : 'IfNotPresent');
      if (Array.isArray(container['ports'])) for (const port of container['ports']) if (isObject(port)) setDefault(port, 'protocol', 'TCP');
      defaultProbe(container['readinessProbe']);
      defaultProbe(container['livenessProbe']);
      defaultProbe(container['startupProbe']);
    }
  }
}

/** Applies the server's defaults to a built-in object (mutates it). */
export function defaultBuiltinObject(type: ResourceType, object: JsonObject): void {
  const spec = isObject(object['spec']) ? object['spec'] : undefined;
  switch (`${type.group}/${type.kind}`) {
    case '/Secret': {
      setDefault(object, 'type', 'Opaque');
      // `stringData` is write-only: merged into `data` (base64) and never stored.
      if (isObject(object['stringData'])) {
        const data = isObject(object['data']) ? object['data'] : {};
        for (const [key, value] of Object.entries(object['stringData'])) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
        object['data'] = data;
      }
      delete object['stringData'];
      break;
    }
    case '/Namespace': {
      const metadata = object['metadata'] as JsonObject;
      const labels = isObject(metadata['labels']) ? metadata['labels'] : {};
      labels['kubernetes.io/metadata.name'] = String(metadata['name']);
      metadata['labels'] = labels;
      break;
    }
    case '/Service':
      if (spec) {
        setDefault(spec, 'type', 'ClusterIP');
        setDefault(spec, 'sessionAffinity', 'None');
        if (spec['clusterIP'] === undefined && spec['type'] !== 'ExternalName') {
          const ip = `10.96.${randomInt(0, 255)}.${randomInt(1, 255)}`;
          spec['clusterIP'] = ip;
          spec['clusterIPs'] = [ip];
        }
        if (Array.isArray(spec['ports'])) {
          for (const port of spec['ports']) {
            if (!isObject(port)) continue;
            setDefault(port, 'protocol', 'TCP');
            setDefault(port, 'targetPort', port['port']);
          }
        }
      }
      break;
    case 'apps/Deployment':
      if (spec) {
        setDefault(spec, 'replicas', 1);
        setDefault(spec, 'revisionHistoryLimit', 10);
        setDefault(spec, 'progressDeadlineSeconds', 600);
        setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
        const template = isObject(spec['template']) ? spec['template'] : undefined;
        if (template && isObject(template['spec'])) defaultPodSpec(template['spec']);
      }
      break;
    default:
      break;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function labelsMatch(selector: unknown, labels: unknown): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = isObject(selector['matchLabels']) ? selector['matchLabels'] : {};
  const actual = isObject(labels) ? labels : {};
  return Object.keys(matchLabels).length > 0 && Object.entries(matchLabels).every(([key, value]) => actual[key] === value);
}

/** Field errors of a built-in object (after defaulting). */
export function validateBuiltinObject(type: ResourceType, object: JsonObject, old: JsonObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isObject(object['spec']) ? object['spec'] : undefined;
  switch (`${type.group}/${type.kind}`) {
    case '/Secret':
    case '/ConfigMap': {
      const data = object['data'];
      if (isObject(data)) {
        for (const [key, value] of Object.entries(data)) {
          if (!DATA_KEY.test(key)) causes.push({ field: `data[${key}]`, message: `Invalid value: ${JSON.stringify(key)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.'` });
          if (type.kind === 'Secret' && (typeof value !== 'string' || !BASE64.test(value) || value.length % 4 !== 0)) {
            causes.push({ field: `data[${key}]`, message: 'Invalid value: illegal base64 data' });
          }
        }
      }
      break;
    }
    case 'apps/Deployment': {
      if (!spec) {
        causes.push({ field: 'spec', message: 'Required value' });
        break;
      }
      const template = isObject(spec['template']) ? spec['template'] : {};
      const templateLabels = isObject(template['metadata']) ? template['metadata']['labels'] : undefined;
      if (!isObject(spec['selector'])) causes.push({ field: 'spec.selector', message: 'Required value' });
      else if (!labelsMatch(spec['selector'], templateLabels)) {
        causes.push({ field: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(templateLabels ?? {})}: \`selector\` does not match template \`labels\`` });
      }
      const oldSpec = old && isObject(old['spec']) ? old['spec'] : undefined;
      if (oldSpec && JSON.stringify(oldSpec['selector']) !== JSON.stringify(spec['selector'])) {
        causes.push({ field: 'spec.selector', message: 'Invalid value: field is immutable' });
      }
      const podSpec = isObject(template['spec']) ? template['spec'] : {};
      const containers = Array.isArray(podSpec['containers']) ? podSpec['containers'] : [];
      if (containers.length === 0) causes.push({ field: 'spec.template.spec.containers', message: 'Required value' });
      containers.forEach((container, i) => {
        if (!isObject(container) || typeof container['name'] !== 'string') causes.push({ field: `spec.template.spec.containers[${i}].name`, message: 'Required value' });
        if (!isObject(container) || typeof container['image'] !== 'string') causes.push({ field: `spec.template.spec.containers[${i}].image`, message: 'Required value' });
      });
      const replicas = spec['replicas'];
      if (typeof replicas !== 'number' || replicas < 0) causes.push({ field: 'spec.replicas', message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0` });
      break;
    }
    case '/Service': {
      const ports = spec && Array.isArray(spec['ports']) ? spec['ports'] : [];
      if (spec?.['type'] !== 'ExternalName' && spec?.['clusterIP'] !== 'None' && ports.length === 0) causes.push({ field: 'spec.ports', message: 'Required value' });
      ports.forEach((port, i) => {
        if (!isObject(port) || typeof port['port'] !== 'number') causes.push({ field: `spec.ports[${i}].port`, message: 'Required value' });
      });
      break;
    }
    default:
      break;
  }
  return causes;
}
