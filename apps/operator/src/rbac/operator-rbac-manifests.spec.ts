import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPOSITORY_ROOT } from '../spec-support/cluster-actor';
import { WATCHED_RESOURCES } from '../start-operator';
import { OPERATOR_PERMISSIONS } from './operator-permissions';
import { GENERATE_RBAC_COMMAND, operatorClusterRole, RBAC_MANIFEST_PATH, renderRbacManifests } from './operator-rbac-manifests';

describe('generated RBAC', () => {
  it(`is committed as generated (regenerate with: ${GENERATE_RBAC_COMMAND})`, async () => {
    expect(await readFile(path.join(REPOSITORY_ROOT, RBAC_MANIFEST_PATH), 'utf8')).toBe(renderRbacManifests());
  });

  it('lets every informer list and watch its resource', () => {
    for (const resource of WATCHED_RESOURCES) {
      const verbs = OPERATOR_PERMISSIONS.filter((permission) => permission.resource === resource && permission.subresource === undefined).flatMap((permission) => permission.verbs);
      expect({ resource: resource.plural, verbs: verbs.filter((verb) => verb === 'list' || verb === 'watch') }).toEqual({ resource: resource.plural, verbs: ['list', 'watch'] });
    }
  });

  it('grants no wildcards and never the right to read or change RBAC itself', () => {
    const rules = operatorClusterRole()['rules'] as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
    for (const rule of rules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      expect(rule.apiGroups).not.toContain('rbac.authorization.k8s.io');
    }
  });
});
