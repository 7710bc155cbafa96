// Writes the operator's generated RBAC manifests (ClusterRole + leader-election Role) from
// apps/operator/src/rbac/operator-permissions.ts. Run from the repository root:
//   node --import tsx apps/operator/scripts/generate-rbac.ts
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RBAC_MANIFEST_PATH, renderRbacManifests } from '../src/rbac/operator-rbac-manifests';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
await writeFile(path.join(repositoryRoot, RBAC_MANIFEST_PATH), renderRbacManifests());
console.log(`wrote ${RBAC_MANIFEST_PATH}`);
