import { stringify } from 'yaml';
import { buildCustomResourceDefinition, GATEWAY_KINDS } from './custom-resource-definition';

// The CRD manifests as files: what `libs/crd/scripts/generate-crds.ts` writes into the Helm
// chart and what the drift test compares the committed files with. Pure (no file access),
// so the test can render in memory.

/** Where the generated CRDs live, relative to the repository root (Helm installs `crds/` first). */
export const CRD_OUTPUT_DIRECTORY = 'charts/mcp-gateway/crds';
export const GENERATE_CRDS_COMMAND = 'node --import tsx libs/crd/scripts/generate-crds.ts';

export interface RenderedCrdFile {
  /** `<plural>.mcp.kuadrant.io.yaml` */
  fileName: string;
  content: string;
}

const HEADER = [
  '# Generated from libs/crd/src (TypeScript) - do not edit.',
  `# Regenerate with: ${GENERATE_CRDS_COMMAND}`,
  '',
].join('\n');

export function renderCrdFiles(): RenderedCrdFile[] {
  return GATEWAY_KINDS.map((kind) => {
    const definition = buildCustomResourceDefinition(kind);
    return {
      fileName: `${definition.metadata.name}.yaml`,
      // YAML 1.1 quoting: kubectl and Helm read manifests with YAML 1.1 rules, where a bare
      // `yes`, `on` or `n` would turn into a boolean.
      content: `${HEADER}${stringify(definition, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false })}`,
    };
  });
}
