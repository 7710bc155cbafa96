import { describe, it, expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { buildCustomResourceDefinition, CRD_OUTPUT_DIRECTORY, GATEWAY_KINDS, GENERATE_CRDS_COMMAND, renderCrdFiles } from './index';

// The CRD YAML in the chart is generated from the TypeScript in this lib. This test renders
// it again in memory and fails when the committed files differ, naming the command to run.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const crdDirectory = path.join(repositoryRoot, CRD_OUTPUT_DIRECTORY);

function committed(fileName: string): string | undefined {
  try {
    return readFileSync(path.join(crdDirectory, fileName), 'utf8');
  } catch {
    return undefined;
  }
}

describe('generated CRD manifests', () => {
  it('the committed files in the chart match the TypeScript source', () => {
    const stale = renderCrdFiles()
      .filter((file) => committed(file.fileName) !== file.content)
      .map((file) => path.join(CRD_OUTPUT_DIRECTORY, file.fileName));
    const problem = stale.length === 0 ? undefined : `stale or missing: ${stale.join(', ')}. Run \`${GENERATE_CRDS_COMMAND}\` and commit the result.`;
    expect(problem).toBeUndefined();
  });

  it('the chart holds no generated CRD that no kind produces', () => {
    const expected = renderCrdFiles().map((file) => file.fileName).sort();
    const present = readdirSync(crdDirectory).filter((entry) => entry.endsWith('.mcp.kuadrant.io.yaml')).sort();
    expect(present).toEqual(expected);
  });

  it('each file says it is generated and how to regenerate it', () => {
    for (const file of renderCrdFiles()) {
      expect(file.content.split('\n').slice(0, 2)).toEqual(['# Generated from libs/crd/src (TypeScript) - do not edit.', `# Regenerate with: ${GENERATE_CRDS_COMMAND}`]);
    }
  });

  it('the YAML reads back, with YAML 1.1 rules as kubectl and Helm use, as the built definition', () => {
    const files = renderCrdFiles();
    GATEWAY_KINDS.forEach((kind, index) => {
      expect(parse(files[index]?.content ?? '', { version: '1.1' })).toEqual(buildCustomResourceDefinition(kind));
    });
  });

  it('the generate command writes exactly the rendered files and removes stale ones', async () => {
    const output = mkdtempSync(path.join(tmpdir(), 'crds-'));
    try {
      writeFileSync(path.join(output, 'retired.mcp.kuadrant.io.yaml'), 'old');
      writeFileSync(path.join(output, 'unrelated.yaml'), 'kept');
      const script = path.join(repositoryRoot, 'libs', 'crd', 'scripts', 'generate-crds.ts');
      await promisify(execFile)(process.execPath, ['--import', 'tsx', script, output], { cwd: repositoryRoot, timeout: 60_000 });
      const files = renderCrdFiles();
      expect(readdirSync(output).sort()).toEqual([...files.map((file) => file.fileName), 'unrelated.yaml'].sort());
      for (const file of files) expect(readFileSync(path.join(output, file.fileName), 'utf8')).toBe(file.content);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }, 60_000);
});
