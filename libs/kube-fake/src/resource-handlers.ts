// What each verb does to stored objects, with the real server's rules (Kubernetes API
// concepts; "Server-Side Apply"; "Finalizers"; "Garbage Collection"):
// - create assigns uid, creationTimestamp, resourceVersion, generation 1; 409 when it exists;
// - update/patch are optimistic: a stale metadata.resourceVersion is a 409;
// - writes to the main resource never change `status`, writes to `/status` change nothing
//   else, and `generation` moves only when something outside metadata and status changes;
// - a write that changes nothing does not bump resourceVersion (no watch event);
// - delete of an object with finalizers only sets deletionTimestamp; the object goes when
//   the last finalizer is removed; dependents are then collected in the background;
// - custom resources are pruned, defaulted and validated against their CRD schema and CEL
//   rules; installing a CRD makes its kinds served.
import { randomUUID, randomInt } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { defaultBuiltinObject, validateBuiltinObject } from './builtin-object-rules';
import { resourceTypeFromCrd } from './crd-resource-type';
import { recordUpdate, serverSideApply, type WriteScope } from './field-ownership';
import { parseFieldSelector } from './field-selector';
import type { GarbageCollector } from './garbage-collector';
import { applyJsonMergePatch } from './json-merge-patch';
import { applyJsonPatch, JsonPatchError } from './json-patch';
import { KubeStatusError, alreadyExists, qualifiedResource, badRequest, expired, invalid, notFound, staleConflict, type StatusCause } from './kube-status-error';
import { parseLabelSelector } from './label-selector';
import { metadataOf, type JsonObject, type ObjectStore, type StoredObject } from './object-store';
import type { ResourceCatalog } from './resource-catalog';
import { apiVersionOf, type ResourceType } from './resource-type';
import { applyStrategicMergePatch } from './strategic-merge-patch';

export interface ResourceRequest {
  readonly type: ResourceType;
  readonly version: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly query: URLSearchParams;
  readonly contentType: string;
  readonly rawBody: string;
  readonly userAgent: string;
  /** Server-side apply that creates an object also needs `create` permission (the real
   * server authorizes the implied create); false answers 403. */
  readonly mayCreate: () => boolean;
}

export interface HandlerResult {
  readonly status: number;
  readonly body: JsonObject;
  readonly warnings?: readonly string[];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter((key) => a[key] !== undefined);
    return keys.length === Object.keys(b).filter((key) => b[key] !== undefined).length && keys.every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}

export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Everything but metadata and status: what `generation` tracks. */
function specPart(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== 'metadata' && key !== 'status' && key !== 'apiVersion' && key !== 'kind'));
}

/** The object without what changes on every write, for no-op detection. */
function comparable(object: JsonObject): JsonObject {
  const copy = structuredClone(object);
  const metadata = metadataOf(copy);
  delete metadata['resourceVersion'];
  if (Array.isArray(metadata['managedFields'])) metadata['managedFields'] = (metadata['managedFields'] as JsonObject[]).map(({ time: _time, ...entry }) => entry);
  return copy;
}

export class ResourceHandlers {
  constructor(
    private readonly store: ObjectStore,
    private readonly catalog: ResourceCatalog,
    private readonly collector: () => GarbageCollector,
  ) {}

  /** The object as a client of `version` sees it. */
  present(type: ResourceType, version: string, object: JsonObject): JsonObject {
    const { apiVersion: _stored, kind: _kind, ...rest } = structuredClone(object);
    return { apiVersion: apiVersionOf(type.group, version), kind: type.kind, ...rest };
  }

  private parseBody(request: ResourceRequest): JsonObject {
    let body: unknown;
    try {
      body = request.contentType.includes('yaml') ? parseYaml(request.rawBody) : JSON.parse(request.rawBody);
    } catch (error) {
      throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!isObject(body)) throw badRequest('the body of the request must be a JSON object');
    return body;
  }

  private manager(request: ResourceRequest): string {
    return request.query.get('fieldManager') ?? (request.userAgent.split('/')[0] || 'unknown');
  }

  private requireObject(request: ResourceRequest): JsonObject {
    const { type, namespace, name } = request;
    const object = this.store.get(type, namespace ?? '', name ?? '');
    if (object === undefined) throw notFound(type.plural, type.group, name ?? '', type.kind);
    return object;
  }

  private checkSubresource(request: ResourceRequest): WriteScope {
    if (request.subresource === undefined) return 'main';
    if (request.subresource === 'status' && request.type.statusSubresource) return 'status';
    throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource');
  }

  get(request: ResourceRequest): HandlerResult {
    this.checkSubresource(request);
    return { status: 200, body: this.present(request.type, request.version, this.requireObject(request)) };
  }

  list(request: ResourceRequest): HandlerResult {
    const { type, version, namespace, query } = request;
    const labelSelector = parseLabelSelector(query.get('labelSelector'));
    const fieldSelector = parseFieldSelector(query.get('fieldSelector'));
    let items = this.store.list(type, namespace).filter((object) => labelSelector((metadataOf(object)['labels'] ?? {}) as Record<string, string>) && fieldSelector(object));
    const metadata: JsonObject = { resourceVersion: String(this.store.revision) };
    const continueToken = query.get('continue');
    if (continueToken) {
      let position: { rv: number; after: string };
      try {
        position = JSON.parse(Buffer.from(continueToken, 'base64url').toString('utf8')) as { rv: number; after: string };
      } catch {
        throw badRequest('invalid continue token');
      }
      try {
        this.store.assertResumable(position.rv);
      } catch {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      items = items.filter((object) => `${String(metadataOf(object)['namespace'] ?? '')}/${String(metadataOf(object)['name'])}` > position.after);
      metadata['resourceVersion'] = String(position.rv);
    }
    const limit = Number(query.get('limit') ?? '0');
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1] as JsonObject;
      const after = `${String(metadataOf(last)['namespace'] ?? '')}/${String(metadataOf(last)['name'])}`;
      metadata['continue'] = Buffer.from(JSON.stringify({ rv: Number(metadata['resourceVersion']), after })).toString('base64url');
      metadata['remainingItemCount'] = items.length - limit;
      items = items.slice(0, limit);
    }
    return {
      status: 200,
      body: {
        kind: type.listKind,
        apiVersion: apiVersionOf(type.group, version),
        metadata,
        // Built-in lists carry bare items; custom resource lists keep apiVersion/kind on each.
        items: items.map((object) => {
          const shown = this.present(type, version, object);
          if (!type.custom) {
            delete shown['apiVersion'];
            delete shown['kind'];
          }
          return shown;
        }),
      },
    };
  }

  private validateName(type: ResourceType, name: string): StatusCause[] {
    if (name === '') return [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }];
    if (type.group === 'rbac.authorization.k8s.io') return /[/%]/.test(name) || name === '.' || name === '..' ? [{ field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: may not contain '/' or '%'` }] : [];
    const label = type.kind === 'Namespace' || type.kind === 'Service';
    const ok = label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
    return ok
      ? []
      : [{ field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character` }];
  }

  private checkNamespace(type: ResourceType, namespace: string | undefined, name: string): void {
    if (!type.namespaced) return;
    const namespaces = this.catalog.byKind('', 'Namespace') as ResourceType;
    const owner = this.store.get(namespaces, '', namespace ?? '');
    if (owner === undefined) throw notFound('namespaces', '', namespace ?? '', 'Namespace');
    if (metadataOf(owner)['deletionTimestamp'] !== undefined) {
      throw new KubeStatusError(403, 'Forbidden', `${type.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace ?? ''} because it is being terminated`);
    }
  }

  /** Defaulting, pruning and validation shared by every write; returns pruning warnings. */
  private admit(type: ResourceType, version: string, object: JsonObject, old: JsonObject | undefined): string[] {
    const name = String(metadataOf(object)['name'] ?? '');
    const causes: StatusCause[] = [...this.validateName(type, name)];
    const warnings: string[] = [];
    const schema = type.schema?.(version);
    if (schema) {
      for (const field of schema.prune(object)) warnings.push(`unknown field "${field}"`);
      schema.applyDefaults(object);
      causes.push(...schema.validate(object, old));
    } else if (!type.custom) {
      defaultBuiltinObject(type, object);
      causes.push(...validateBuiltinObject(type, object, old));
    }
    if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition') resourceTypeFromCrd(object);
    if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
    return warnings;
  }

  private toStorage(type: ResourceType, object: JsonObject): JsonObject {
    object['apiVersion'] = apiVersionOf(type.group, type.storageVersion);
    object['kind'] = type.kind;
    return object;
  }

  private checkIdentity(request: ResourceRequest, body: JsonObject): void {
    const { type, version } = request;
    const apiVersion = body['apiVersion'];
    if (apiVersion !== undefined && apiVersion !== apiVersionOf(type.group, version)) {
      throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${apiVersionOf(type.group, version)})`);
    }
    if (body['kind'] !== undefined && body['kind'] !== type.kind) throw badRequest(`the kind in the data (${String(body['kind'])}) does not match the expected kind (${type.kind})`);
    const metadata = metadataOf(body);
    if (type.namespaced && metadata['namespace'] !== undefined && metadata['namespace'] !== request.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  create(request: ResourceRequest): HandlerResult {
    const { type, version } = request;
    if (request.subresource !== undefined) throw new KubeStatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    const body = this.parseBody(request);
    this.checkIdentity(request, body);
    const metadata = metadataOf(body);
    if (!metadata['name'] && typeof metadata['generateName'] === 'string') {
      metadata['name'] = `${metadata['generateName']}${Array.from({ length: 5 }, () => GENERATE_NAME_ALPHABET[randomInt(GENERATE_NAME_ALPHABET.length)]).join('')}`;
    }
    return this.createObject(type, version, request.namespace, body, this.manager(request), undefined);
  }

  private createObject(type: ResourceType, version: string, namespace: string | undefined, body: JsonObject, manager: string, appliedBy: JsonObject | undefined): HandlerResult {
    const object = structuredClone(body);
    const metadata = metadataOf(object);
    const name = String(metadata['name'] ?? '');
    if (this.store.get(type, namespace ?? '', name) !== undefined) throw alreadyExists(type.plural, type.group, name);
    this.checkNamespace(type, namespace, name);
    for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink']) delete metadata[key];
    if (type.namespaced) metadata['namespace'] = namespace;
    else delete metadata['namespace'];
    if (type.statusSubresource) delete object['status'];
    const warnings = this.admit(type, version, object, undefined);
    metadata['uid'] = randomUUID();
    metadata['creationTimestamp'] = timestamp();
    if (type.tracksGeneration) metadata['generation'] = 1;
    if (appliedBy === undefined) {
      delete metadata['managedFields'];
      recordUpdate(undefined, object, manager, apiVersionOf(type.group, version), type.listSemantics(version), 'main');
    } else {
      metadata['managedFields'] = metadataOf(appliedBy)['managedFields'];
    }
    if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition') this.establishCrd(object);
    this.store.commit('ADDED', type, this.toStorage(type, object));
    if (Array.isArray(metadata['ownerReferences'])) this.collector().schedule();
    return { status: 201, body: this.present(type, version, object), warnings };
  }

  /** What the apiextensions controllers do right after a CRD is written: serve it and report. */
  private establishCrd(crd: JsonObject): void {
    const previous = this.catalog.all().find((type) => type.custom && `${type.plural}.${type.group}` === metadataOf(crd)['name']);
    const type = resourceTypeFromCrd(crd);
    if (previous && (previous.group !== type.group || previous.plural !== type.plural)) this.catalog.remove(previous.group, previous.plural);
    this.catalog.install(type);
    const names = (crd['spec'] as JsonObject)['names'] as JsonObject;
    const now = timestamp();
    const previousConditions = (isObject(crd['status']) && Array.isArray(crd['status']['conditions']) ? crd['status']['conditions'] : []) as JsonObject[];
    const since = (conditionType: string) => previousConditions.find((condition) => condition['type'] === conditionType && condition['status'] === 'True')?.['lastTransitionTime'] ?? now;
    crd['status'] = {
      acceptedNames: { ...names, listKind: type.listKind, singular: type.singular },
      storedVersions: [type.storageVersion],
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: since('NamesAccepted') },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: since('Established') },
      ],
    };
  }

  update(request: ResourceRequest): HandlerResult {
    const scope = this.checkSubresource(request);
    const body = this.parseBody(request);
    this.checkIdentity(request, body);
    const live = this.requireObject(request);
    const name = metadataOf(body)['name'];
    if (name !== request.name) throw badRequest(`the name of the object (${String(name)}) does not match the name on the URL (${String(request.name)})`);
    const resourceVersion = metadataOf(body)['resourceVersion'];
    if (resourceVersion === undefined && request.type.custom) {
      throw invalid(request.type.kind, request.type.group, String(name), [{ field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
    }
    return this.updateObject(request, live, body, scope, this.manager(request), false);
  }

  /** The common tail of update, patch and apply: `candidate` is the whole new object. */
  private updateObject(request: ResourceRequest, live: JsonObject, candidateBody: JsonObject, scope: WriteScope, manager: string, applied: boolean): HandlerResult {
    const { type, version } = request;
    const liveMetadata = metadataOf(live);
    const wanted = metadataOf(candidateBody)['resourceVersion'];
    if (wanted !== undefined && wanted !== '' && wanted !== liveMetadata['resourceVersion']) throw staleConflict(type.plural, type.group, String(liveMetadata['name']));
    let candidate: JsonObject;
    if (scope === 'status') {
      candidate = structuredClone(live);
      if (candidateBody['status'] === undefined) delete candidate['status'];
      else candidate['status'] = structuredClone(candidateBody['status']);
      if (applied) metadataOf(candidate)['managedFields'] = metadataOf(candidateBody)['managedFields'];
    } else {
      candidate = structuredClone(candidateBody);
      if (type.statusSubresource) {
        if (live['status'] === undefined) delete candidate['status'];
        else candidate['status'] = structuredClone(live['status']);
      }
    }
    const metadata = metadataOf(candidate);
    for (const key of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name']) {
      if (liveMetadata[key] === undefined) delete metadata[key];
      else metadata[key] = liveMetadata[key];
    }
    if (liveMetadata['deletionTimestamp'] !== undefined) {
      const before = new Set((liveMetadata['finalizers'] as string[] | undefined) ?? []);
      const added = ((metadata['finalizers'] as string[] | undefined) ?? []).filter((finalizer) => !before.has(finalizer));
      if (added.length > 0) {
        throw invalid(type.kind, type.group, String(liveMetadata['name']), [{ field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` }]);
      }
    }
    const warnings = this.admit(type, version, candidate, live);
    if (!applied) recordUpdate(live, candidate, manager, apiVersionOf(type.group, version), type.listSemantics(version), scope);
    if (type.tracksGeneration && !deepEqual(specPart(candidate), specPart(live))) metadata['generation'] = Number(liveMetadata['generation'] ?? 0) + 1;
    this.toStorage(type, candidate);
    if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition' && scope === 'main') {
      this.establishCrd(candidate);
    }
    metadata['resourceVersion'] = liveMetadata['resourceVersion'];
    if (deepEqual(comparable(candidate), comparable(live))) return { status: 200, body: this.present(type, version, live), warnings };
    const finalizers = (metadata['finalizers'] as string[] | undefined) ?? [];
    if (metadata['deletionTimestamp'] !== undefined && finalizers.length === 0) {
      this.remove({ type, object: candidate });
      return { status: 200, body: this.present(type, version, candidate), warnings };
    }
    this.store.commit('MODIFIED', type, candidate);
    if (!deepEqual(liveMetadata['ownerReferences'], metadata['ownerReferences'])) this.collector().schedule();
    return { status: 200, body: this.present(type, version, candidate), warnings };
  }

  patch(request: ResourceRequest): HandlerResult {
    const { type, version } = request;
    const scope = this.checkSubresource(request);
    const contentType = request.contentType.split(';')[0]?.trim() ?? '';
    const manager = this.manager(request);
    if (contentType === 'application/apply-patch+yaml' || contentType === 'application/apply-patch+cbor') {
      if (!request.query.get('fieldManager')) throw badRequest('PATCH /apply requires fieldManager');
      const applied = this.parseBody({ ...request, contentType: 'application/yaml' });
      this.checkIdentity(request, applied);
      if (metadataOf(applied)['name'] !== request.name) throw badRequest(`the name of the object (${String(metadataOf(applied)['name'])}) does not match the name on the URL (${String(request.name)})`);
      delete metadataOf(applied)['managedFields'];
      const live = this.store.get(type, request.namespace ?? '', request.name ?? '');
      const force = request.query.get('force') === 'true';
      if (live === undefined) {
        if (scope === 'status') throw notFound(type.plural, type.group, request.name ?? '', type.kind);
        if (!request.mayCreate()) throw new KubeStatusError(403, 'Forbidden', `${qualifiedResource(type.plural, type.group)} "${request.name ?? ''}" is forbidden: server-side apply would create it, and creating is not allowed`);
        const merged = serverSideApply({ live: undefined, applied, manager, force, apiVersion: apiVersionOf(type.group, version), resolver: type.listSemantics(version), scope });
        return this.createObject(type, version, request.namespace, merged, manager, merged);
      }
      const wanted = metadataOf(applied)['resourceVersion'];
      if (wanted !== undefined && wanted !== metadataOf(live)['resourceVersion']) throw staleConflict(type.plural, type.group, request.name ?? '');
      const merged = serverSideApply({ live, applied, manager, force, apiVersion: apiVersionOf(type.group, version), resolver: type.listSemantics(version), scope });
      delete metadataOf(merged)['resourceVersion'];
      return this.updateObject(request, live, merged, scope, manager, true);
    }
    const live = this.requireObject(request);
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody);
    } catch {
      throw badRequest('the body of the request was not valid JSON');
    }
    const current = this.present(type, version, live);
    let patched: unknown;
    try {
      if (contentType === 'application/json-patch+json') patched = applyJsonPatch(current, body);
      else if (contentType === 'application/merge-patch+json') patched = applyJsonMergePatch(current, body);
      else if (contentType === 'application/strategic-merge-patch+json') {
        if (type.custom) throw new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
        patched = applyStrategicMergePatch(current, body, type.listSemantics(version));
      } else throw new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    } catch (error) {
      if (error instanceof JsonPatchError) throw new KubeStatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${error.message}`);
      throw error;
    }
    if (!isObject(patched)) throw badRequest('the patch did not produce an object');
    this.checkIdentity(request, patched);
    const patchedMetadata = metadataOf(patched);
    if (patchedMetadata['name'] !== request.name) throw badRequest('the name of the object cannot be changed by a patch');
    // A patch that leaves resourceVersion alone is unconditional; one that sets it is a precondition.
    if (patchedMetadata['resourceVersion'] === metadataOf(live)['resourceVersion']) delete patchedMetadata['resourceVersion'];
    patchedMetadata['managedFields'] = metadataOf(live)['managedFields'];
    return this.updateObject(request, live, patched, scope, manager, false);
  }

  delete(request: ResourceRequest): HandlerResult {
    const { type, version } = request;
    if (request.subresource !== undefined) throw new KubeStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const live = this.requireObject(request);
    const options = request.rawBody.trim() === '' ? {} : this.parseBody({ ...request, contentType: 'application/json' });
    const preconditions = isObject(options['preconditions']) ? options['preconditions'] : {};
    const metadata = metadataOf(live);
    if (preconditions['uid'] !== undefined && preconditions['uid'] !== metadata['uid']) {
      throw new KubeStatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${String(preconditions['uid'])}, UID in object meta: ${String(metadata['uid'])}`);
    }
    if (preconditions['resourceVersion'] !== undefined && preconditions['resourceVersion'] !== metadata['resourceVersion']) {
      throw staleConflict(type.plural, type.group, String(metadata['name']));
    }
    const policy = request.query.get('propagationPolicy') ?? (typeof options['propagationPolicy'] === 'string' ? options['propagationPolicy'] : 'Background');
    const after = this.deleteStored({ type, object: live }, policy === 'Orphan');
    return { status: 200, body: this.present(type, version, after) };
  }

  deleteCollection(request: ResourceRequest): HandlerResult {
    const { type, version, namespace, query } = request;
    const labelSelector = parseLabelSelector(query.get('labelSelector'));
    const fieldSelector = parseFieldSelector(query.get('fieldSelector'));
    const doomed = this.store.list(type, namespace).filter((object) => labelSelector((metadataOf(object)['labels'] ?? {}) as Record<string, string>) && fieldSelector(object));
    const items = doomed.map((object) => this.present(type, version, this.deleteStored({ type, object }, false)));
    return { status: 200, body: { kind: type.listKind, apiVersion: apiVersionOf(type.group, version), metadata: { resourceVersion: String(this.store.revision) }, items } };
  }

  /** Deletion as the API server and GC do it; returns the object's state after the call. */
  deleteStored(stored: StoredObject, orphan: boolean): JsonObject {
    const { type } = stored;
    const object = structuredClone(stored.object);
    const metadata = metadataOf(object);
    const finalizers = (metadata['finalizers'] as string[] | undefined) ?? [];
    const isNamespace = type.group === '' && type.kind === 'Namespace';
    const hasContent = isNamespace && this.store.all().some((other) => other.type.namespaced && metadataOf(other.object)['namespace'] === metadata['name']);
    if (orphan) this.orphanDependents(String(metadata['uid']));
    if (finalizers.length > 0 || hasContent) {
      if (metadata['deletionTimestamp'] !== undefined) return object;
      metadata['deletionTimestamp'] = timestamp();
      metadata['deletionGracePeriodSeconds'] = 0;
      if (type.tracksGeneration) metadata['generation'] = Number(metadata['generation'] ?? 0) + 1;
      if (isNamespace) object['status'] = { phase: 'Terminating' };
      this.store.commit('MODIFIED', type, object);
      if (isNamespace) this.collector().schedule();
      return object;
    }
    this.remove({ type, object });
    return object;
  }

  private remove(stored: StoredObject): void {
    this.store.commit('DELETED', stored.type, stored.object);
    if (stored.type.group === 'apiextensions.k8s.io' && stored.type.kind === 'CustomResourceDefinition') {
      const served = this.catalog.all().find((type) => type.custom && `${type.plural}.${type.group}` === metadataOf(stored.object)['name']);
      if (served) {
        this.store.dropType(served);
        this.catalog.remove(served.group, served.plural);
      }
    }
    this.collector().schedule();
  }

  private orphanDependents(uid: string): void {
    for (const stored of this.store.all()) {
      const references = metadataOf(stored.object)['ownerReferences'];
      if (!Array.isArray(references) || !references.some((reference: JsonObject) => reference['uid'] === uid)) continue;
      this.setOwnerReferences(stored, references.filter((reference: JsonObject) => reference['uid'] !== uid));
    }
  }

  /** The garbage collector's patch that drops dangling owner references. */
  setOwnerReferences(stored: StoredObject, keep: readonly JsonObject[]): void {
    const object = structuredClone(stored.object);
    const metadata = metadataOf(object);
    if (keep.length === 0) delete metadata['ownerReferences'];
    else metadata['ownerReferences'] = [...keep];
    recordUpdate(stored.object, object, 'garbage-collector', String(object['apiVersion']), stored.type.listSemantics(stored.type.storageVersion), 'main');
    this.store.commit('MODIFIED', stored.type, object);
  }
}
