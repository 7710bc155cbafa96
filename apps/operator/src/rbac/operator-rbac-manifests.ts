// Renders the operator's RBAC from OPERATOR_PERMISSIONS: a ClusterRole for everything
// cluster-wide, and a Role for leader election in the operator's own namespace. One rule per
// API group and verb set, resources sorted, so the generated file is stable.
import { stringify } from 'yaml';
import { OPERATOR_PERMISSIONS, resourceName, type Permission } from './operator-permissions';

export const OPERATOR_CLUSTER_ROLE_NAME = 'mcp-gateway-operator';
export const LEADER_ELECTION_ROLE_NAME = 'mcp-gateway-operator-leader-election';
/** Where the generated manifests are committed, relative to the repository root. */
export const RBAC_MANIFEST_PATH = 'apps/operator/config/rbac/role.yaml';
export const GENERATE_RBAC_COMMAND = 'node --import tsx apps/operator/scripts/generate-rbac.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export function rulesFor(permissions: readonly Permission[]): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  for (const permission of permissions) {
    const verbs = [...permission.verbs].sort();
    const key = `${permission.resource.group}|${verbs.join(',')}`;
    const rule = byKey.get(key) ?? { apiGroups: [permission.resource.group], resources: [], verbs };
    rule.resources.push(resourceName(permission));
    byKey.set(key, rule);
  }
  return [...byKey.values()]
    .map((rule) => ({ ...rule, resources: [...new Set(rule.resources)].sort() }))
    .sort((a, b) => `${a.apiGroups[0]}|${a.resources[0]}|${a.verbs.join()}`.localeCompare(`${b.apiGroups[0]}|${b.resources[0]}|${b.verbs.join()}`));
}

const LABELS = { 'app.kubernetes.io/name': 'mcp-gateway-operator', 'app.kubernetes.io/part-of': 'mcp-gateway' };

export function operatorClusterRole(): Record<string, unknown> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: OPERATOR_CLUSTER_ROLE_NAME, labels: LABELS },
    rules: rulesFor(OPERATOR_PERMISSIONS.filter((permission) => permission.scope === 'cluster')),
  };
}

export function leaderElectionRole(namespace: string): Record<string, unknown> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: LEADER_ELECTION_ROLE_NAME, namespace, labels: LABELS },
    rules: rulesFor(OPERATOR_PERMISSIONS.filter((permission) => permission.scope === 'leader-election')),
  };
}

/** The committed file: both roles, the Role in the namespace the operator is installed in. */
export function renderRbacManifests(namespace = 'mcp-system'): string {
  const header = `# Generated from apps/operator/src/rbac/operator-permissions.ts - do not edit.\n# Regenerate with: ${GENERATE_RBAC_COMMAND}\n`;
  return `${header}---\n${stringify(operatorClusterRole())}---\n${stringify(leaderElectionRole(namespace))}`;
}
