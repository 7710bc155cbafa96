// The real kubectl against the fake: discovery, client-side and server-side apply, printer
// columns, strategic merge patch, delete. kubectl runs as a child process (asynchronously:
// the fake answers from this process's event loop).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FakeKubeApiServer } from './fake-kube-api-server';

const KUBECTL = '/usr/bin/kubectl';
const run = promisify(execFile);

const crdYaml = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gadget, plural: gadgets, singular: gadget, shortNames: [gd], listKind: GadgetList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, minimum: 1}
              mode: {type: string, default: auto}
`;

const objectsYaml = `apiVersion: example.com/v1
kind: Gadget
metadata:
  name: first
spec:
  size: 3
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: "1"
`;

(existsSync(KUBECTL) ? describe : describe.skip)('kubectl against the fake API server', () => {
  let server: FakeKubeApiServer;
  let directory: string;
  const kubectl = async (...args: string[]) => {
    const { stdout } = await run(KUBECTL, ['--kubeconfig', path.join(directory, 'kubeconfig'), '--cache-dir', path.join(directory, 'cache'), ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: directory },
      timeout: 20_000,
    });
    return stdout;
  };

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    directory = await mkdtemp(path.join(tmpdir(), 'kube-fake-kubectl-'));
    await server.writeKubeconfig(path.join(directory, 'kubeconfig'));
    await writeFile(path.join(directory, 'crd.yaml'), crdYaml);
    await writeFile(path.join(directory, 'objects.yaml'), objectsYaml);
  });
  afterAll(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('installs a CRD and applies objects of the new kind, defaults included', async () => {
    expect(await kubectl('apply', '--validate=false', '-f', path.join(directory, 'crd.yaml'))).toContain('customresourcedefinition.apiextensions.k8s.io/gadgets.example.com created');
    const applied = await kubectl('apply', '--validate=false', '-f', path.join(directory, 'objects.yaml'));
    expect(applied).toContain('gadget.example.com/first created');
    expect(applied).toContain('configmap/settings created');
    expect(await kubectl('get', 'gadget', 'first', '-o', 'jsonpath={.spec.mode}')).toBe('auto');
    expect(await kubectl('apply', '--validate=false', '-f', path.join(directory, 'objects.yaml'))).toContain('gadget.example.com/first unchanged');
  });

  it('prints the CRD printer columns through the short name', async () => {
    const table = await kubectl('get', 'gd');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+SIZE\s+AGE$/);
    expect(table).toMatch(/first\s+3\s+\d+s/);
  });

  it('patches and server-side applies, reporting conflicts and validation errors as the real server does', async () => {
    await kubectl('patch', 'configmap', 'settings', '-p', '{"data":{"level":"2"}}');
    expect(await kubectl('get', 'cm', 'settings', '-o', 'jsonpath={.data.level}')).toBe('2');
    const serverSide = ['apply', '--server-side', '--validate=false', '--field-manager', 'tester', '-f', path.join(directory, 'objects.yaml')];
    await expect(kubectl(...serverSide)).rejects.toMatchObject({ stderr: expect.stringContaining('Apply failed with 1 conflict: conflict with "kubectl-patch": .data.level') });
    await kubectl(...serverSide, '--force-conflicts');
    expect(await kubectl('get', 'cm', 'settings', '-o', 'jsonpath={.data.level}')).toBe('1');
    await expect(kubectl('patch', 'gadget', 'first', '--type', 'merge', '-p', '{"spec":{"size":0}}')).rejects.toMatchObject({
      stderr: expect.stringContaining('spec.size in body should be greater than or equal to 1'),
    });
  });

  it('deletes objects', async () => {
    expect(await kubectl('delete', 'gadget', 'first')).toContain('"first" deleted');
    expect(await kubectl('get', 'gadgets', '-o', 'name')).toBe('');
  });
});
