// RBAC as the API server evaluates it (Kubernetes docs, "Using RBAC Authorization"): a
// request is allowed when a ClusterRoleBinding, or a RoleBinding in the request's namespace,
// binds the user (by name, group or ServiceAccount) to a role with a rule matching the
// verb, API group, resource (`deployments`, `deployments/status`, `*`) and, when the rule
// names some, the object's name. Members of `system:masters` bypass RBAC.
import type { JsonObject, ObjectStore } from './object-store';
import type { ResourceCatalog } from './resource-catalog';

export interface KubeUser {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface RequestAttributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export const SYSTEM_MASTERS = 'system:masters';

function matchesSubject(user: KubeUser, subject: Subject, bindingNamespace: string | undefined): boolean {
  if (subject.kind === 'User') return subject.name === user.name;
  if (subject.kind === 'Group') return user.groups.includes(subject.name);
  if (subject.kind === 'ServiceAccount') return user.name === `system:serviceaccount:${subject.namespace ?? bindingNamespace}:${subject.name}`;
  return false;
}

function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  const verbs = rule.verbs ?? [];
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  const full = request.subresource === undefined ? request.resource : `${request.resource}/${request.subresource}`;
  const resourceMatches = resources.some(
    (resource) =>
      resource === '*' ||
      resource === full ||
      (request.subresource !== undefined && (resource === `*/${request.subresource}` || resource === `${request.resource}/*`)),
  );
  const names = rule.resourceNames ?? [];
  return (
    (verbs.includes('*') || verbs.includes(request.verb)) &&
    (groups.includes('*') || groups.includes(request.group)) &&
    resourceMatches &&
    (names.length === 0 || (request.name !== undefined && names.includes(request.name)))
  );
}

export class RbacAuthorizer {
  constructor(
    private readonly store: ObjectStore,
    private readonly catalog: ResourceCatalog,
  ) {}

  private rulesOf(kind: string, name: string, namespace: string | undefined): PolicyRule[] {
    const type = this.catalog.byKind('rbac.authorization.k8s.io', kind);
    if (type === undefined) return [];
    const role = this.store.get(type, kind === 'Role' ? (namespace ?? '') : '', name);
    return Array.isArray(role?.['rules']) ? (role['rules'] as PolicyRule[]) : [];
  }

  private bindings(kind: string, namespace: string): JsonObject[] {
    const type = this.catalog.byKind('rbac.authorization.k8s.io', kind);
    return type === undefined ? [] : this.store.list(type, kind === 'RoleBinding' ? namespace : undefined);
  }

  authorize(user: KubeUser, request: RequestAttributes): boolean {
    if (user.groups.includes(SYSTEM_MASTERS)) return true;
    const candidates: Array<{ binding: JsonObject; namespace: string | undefined }> = this.bindings('ClusterRoleBinding', '').map((binding) => ({ binding, namespace: undefined }));
    if (request.namespace !== undefined) {
      for (const binding of this.bindings('RoleBinding', request.namespace)) candidates.push({ binding, namespace: request.namespace });
    }
    return candidates.some(({ binding, namespace }) => {
      const subjects = Array.isArray(binding['subjects']) ? (binding['subjects'] as Subject[]) : [];
      if (!subjects.some((subject) => matchesSubject(user, subject, namespace))) return false;
      const roleRef = (binding['roleRef'] ?? {}) as { kind?: string; name?: string };
      return this.rulesOf(roleRef.kind ?? '', roleRef.name ?? '', namespace).some((rule) => ruleAllows(rule, request));
    });
  }

  /** The real server's wording: `secrets is forbidden: User "x" cannot list resource ...`. */
  static deniedMessage(user: KubeUser, request: RequestAttributes): string {
    const resource = request.subresource === undefined ? request.resource : `${request.resource}/${request.subresource}`;
    const qualified = request.group === '' ? resource : `${resource}.${request.group}`;
    const named = request.name === undefined ? qualified : `${qualified} "${request.name}"`;
    const scope = request.namespace === undefined ? 'at the cluster scope' : `in the namespace "${request.namespace}"`;
    return `${named} is forbidden: User "${user.name}" cannot ${request.verb} resource "${resource}" in API group "${request.group}" ${scope}`;
  }
}
