// Assembles one service's runtime folder (see runtime-folder.ts). Run by the Dockerfile's
// `<app>-files` stage after `nx run <app>:build`, and by the delivery tests:
//   node --import tsx scripts/delivery/assemble-runtime.ts <operator|broker|router> <folder>
import path from 'node:path';
import { assembleRuntimeFolder, DELIVERED_APPS, type DeliveredApp } from './runtime-folder';

const [app, folder] = process.argv.slice(2);
if (!DELIVERED_APPS.includes(app as DeliveredApp) || folder === undefined) {
  console.error(`usage: assemble-runtime.ts <${DELIVERED_APPS.join('|')}> <folder>`);
  process.exit(2);
}
const assembled = await assembleRuntimeFolder(app as DeliveredApp, path.resolve(folder));
console.log(JSON.stringify({ msg: 'runtime folder assembled', app, folder: assembled.folder, dependencies: assembled.manifest.dependencies }));
