// Writes the generated delivery files: the chart's RBAC rules and values.schema.json, then
// the OLM bundle of the current version and the file-based catalog (rendered from the chart).
//   node --import tsx scripts/delivery/generate-delivery.ts
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderChartFiles, renderOlmFiles, type DeliveryFile } from './delivery-files';
import { REPOSITORY_ROOT } from './helm-binary';

async function write(files: readonly DeliveryFile[]): Promise<void> {
  for (const file of files) {
    const target = path.join(REPOSITORY_ROOT, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
    console.log(`wrote ${file.path}`);
  }
}

await write(await renderChartFiles());
// The bundle is rendered from the chart on disk, so the chart's files are written first.
await write(await renderOlmFiles());
