// The shapes of Kubernetes API URLs:
//   /api/v1/<plural>[/<name>[/<subresource>]]                       (cluster scope, or all namespaces)
//   /api/v1/namespaces/<ns>/<plural>[/<name>[/<subresource>]]
//   /apis/<group>/<version>/...                                      (same, for named groups)
//   /api/v1/watch/..., /apis/<group>/<version>/watch/...             (legacy watch paths)
//   /api/v1/namespaces/<name>/status|finalize                        (subresources of a Namespace)

export interface ResourcePath {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly watchPath: boolean;
}

export type ApiPath =
  | { readonly kind: 'core-versions' }
  | { readonly kind: 'group-list' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'resource-list'; readonly group: string; readonly version: string }
  | { readonly kind: 'resource'; readonly resource: ResourcePath }
  | { readonly kind: 'other'; readonly path: string };

export function parseApiPath(pathname: string): ApiPath {
  const segments = pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { kind: 'core-versions' };
    group = '';
    version = segments[1] as string;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { kind: 'group-list' };
    if (segments.length === 2) return { kind: 'group', group: segments[1] as string };
    group = segments[1] as string;
    version = segments[2] as string;
    rest = segments.slice(3);
  } else {
    return { kind: 'other', path: pathname };
  }
  if (rest.length === 0) return { kind: 'resource-list', group, version };
  const watchPath = rest[0] === 'watch';
  if (watchPath) rest = rest.slice(1);
  if (rest[0] === 'namespaces' && rest.length === 3 && group === '' && (rest[2] === 'status' || rest[2] === 'finalize')) {
    return { kind: 'resource', resource: { group, version, plural: 'namespaces', namespace: undefined, name: rest[1], subresource: rest[2], watchPath } };
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return { kind: 'resource', resource: { group, version, plural: rest[2] as string, namespace: rest[1], name: rest[3], subresource: rest[4], watchPath } };
  }
  return { kind: 'resource', resource: { group, version, plural: rest[0] as string, namespace: undefined, name: rest[1], subresource: rest[2], watchPath } };
}
