// Writes the CRD reference (docs/reference/crds.md) from the TypeScript definitions in
// libs/crd/src, the same ones the CRD YAML is generated from. Run from the repository root:
//   node --import tsx libs/crd/scripts/generate-crd-reference.ts [output file]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_REFERENCE_PATH, renderCrdReference } from '../src/index';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const outputFile = path.resolve(process.argv[2] ?? path.join(repositoryRoot, CRD_REFERENCE_PATH));

await mkdir(path.dirname(outputFile), { recursive: true });
await writeFile(outputFile, renderCrdReference());
console.log(`wrote ${path.relative(process.cwd(), outputFile)}`);
