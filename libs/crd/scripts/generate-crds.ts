// Writes the CRD manifests of the gateway kinds into the Helm chart, from the TypeScript
// definitions in libs/crd/src (the one source). Run from the repository root:
//   node --import tsx libs/crd/scripts/generate-crds.ts [output directory]
// The output directory defaults to the chart's crds/ folder. Generated files that no kind
// produces any more are removed.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_OUTPUT_DIRECTORY, MCP_API_GROUP, renderCrdFiles } from '../src/index';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const outputDirectory = path.resolve(process.argv[2] ?? path.join(repositoryRoot, CRD_OUTPUT_DIRECTORY));
const shown = (fileName: string) => path.relative(process.cwd(), path.join(outputDirectory, fileName));

const files = renderCrdFiles();
await mkdir(outputDirectory, { recursive: true });
for (const file of files) {
  await writeFile(path.join(outputDirectory, file.fileName), file.content);
  console.log(`wrote ${shown(file.fileName)}`);
}
const current = new Set(files.map((file) => file.fileName));
for (const entry of await readdir(outputDirectory)) {
  if (entry.endsWith(`.${MCP_API_GROUP}.yaml`) && !current.has(entry)) {
    await rm(path.join(outputDirectory, entry));
    console.log(`removed stale ${shown(entry)}`);
  }
}
