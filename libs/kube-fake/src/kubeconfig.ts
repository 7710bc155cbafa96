// Writes a kubeconfig file pointing at a fake API server, for client-node
// (`KubeConfig.loadFromFile`) and `kubectl --kubeconfig`. client-node 1.4.0 wants
// `insecure-skip-tls-verify: true` on the cluster even for a plain-http server.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** `http://127.0.0.1:<port>`. */
  readonly server: string;
  /** Bearer token of the user (see the server's `users` option). */
  readonly token?: string;
  /** Default namespace of the context. Default `default`. */
  readonly namespace?: string;
  /** Context, cluster and user name. Default `fake`. */
  readonly name?: string;
}

export function kubeconfigYaml(options: KubeconfigOptions): string {
  const name = options.name ?? 'fake';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: options.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: options.token === undefined ? {} : { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export async function writeKubeconfig(filePath: string, options: KubeconfigOptions): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  await writeFile(filePath, kubeconfigYaml(options), { mode: 0o600 });
}
