// Names of the objects the operator creates for one MCPGatewayExtension, derived from the
// extension's name. Service names must be DNS labels (at most 63 characters): long
// extension names are cut and keep a hash so two extensions never share a name.
import { createHash } from 'node:crypto';

export interface ComponentNames {
  readonly broker: string;
  readonly router: string;
  readonly config: string;
  readonly credentials: string;
  readonly signingKey: string;
  readonly route: string;
}

function bounded(base: string, suffix: string): string {
  const name = `${base}-${suffix}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${base.slice(0, 63 - suffix.length - 10).replace(/[-.]+$/, '')}-${hash}-${suffix}`;
}

export function componentNames(extensionName: string): ComponentNames {
  return {
    broker: bounded(extensionName, 'broker'),
    router: bounded(extensionName, 'router'),
    config: bounded(extensionName, 'config'),
    credentials: bounded(extensionName, 'credentials'),
    signingKey: bounded(extensionName, 'session-signing'),
    route: bounded(extensionName, 'mcp'),
  };
}
