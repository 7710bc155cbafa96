// For the operator's specs: the real kubectl, run asynchronously (an in-process fake API
// server must keep answering while it runs), with its own HOME and discovery cache.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const KUBECTL = '/usr/bin/kubectl';
export const kubectlAvailable = existsSync(KUBECTL);

export class KubectlRunner {
  constructor(
    private readonly kubeconfigPath: string,
    private readonly directory: string,
  ) {}

  async run(...args: string[]): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const { stdout } = await run(KUBECTL, ['--kubeconfig', this.kubeconfigPath, '--cache-dir', path.join(this.directory, 'cache'), ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: this.directory },
      timeout: 20_000,
    });
    return stdout;
  }

  /** `kubectl apply --validate=false -f -` of a manifest (the fake serves no OpenAPI document). */
  async applyManifest(manifest: string, namespace = 'default'): Promise<string> {
    const file = path.join(this.directory, `manifest-${Date.now()}-${Math.random().toString(16).slice(2)}.yaml`);
    await mkdir(this.directory, { recursive: true });
    await writeFile(file, manifest);
    return this.run('apply', '--validate=false', '-n', namespace, '-f', file);
  }
}
