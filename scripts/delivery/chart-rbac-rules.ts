// The chart's copy of the operator's RBAC rules. The operator generates its ClusterRole and
// leader-election Role from the permissions its code declares (apps/operator/config/rbac/
// role.yaml, kept in step by the operator's own test); Helm can only read files inside the
// chart, so this copies those rules, unchanged, into `files/operator-rbac.yaml`, which the
// chart's rbac.yaml template renders. The OLM bundle takes the same rules from the rendered
// chart, so all three agree.
import { parseAllDocuments, stringify } from 'yaml';

/** Where the operator's generated RBAC lives, relative to the repository root. */
export const OPERATOR_RBAC_SOURCE = 'apps/operator/config/rbac/role.yaml';
export const CHART_RBAC_FILE = 'charts/mcp-gateway/files/operator-rbac.yaml';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface OperatorRbacRules {
  clusterRules: PolicyRule[];
  leaderElectionRules: PolicyRule[];
}

export class RbacSourceError extends Error {
  override readonly name = 'RbacSourceError';
}

export function operatorRbacRules(roleYaml: string): OperatorRbacRules {
  const documents = parseAllDocuments(roleYaml).map((document) => document.toJS() as { kind?: string; rules?: PolicyRule[] } | null);
  const clusterRole = documents.find((document) => document?.kind === 'ClusterRole');
  const role = documents.find((document) => document?.kind === 'Role');
  if (clusterRole?.rules === undefined || role?.rules === undefined) {
    throw new RbacSourceError(`${OPERATOR_RBAC_SOURCE} must hold a ClusterRole and a Role with rules`);
  }
  return { clusterRules: clusterRole.rules, leaderElectionRules: role.rules };
}

export function renderChartRbacRules(roleYaml: string): string {
  const header = `# Generated from ${OPERATOR_RBAC_SOURCE} by scripts/delivery/generate-delivery.ts - do not edit.\n`;
  return `${header}${stringify(operatorRbacRules(roleYaml))}`;
}
