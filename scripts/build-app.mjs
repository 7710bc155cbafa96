// Bundles one app into dist/apps/<name>/main.js: workspace libs are inlined, every
// npm dependency stays an import resolved from node_modules at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const app = process.argv[2];
if (!app) {
  console.error('usage: node scripts/build-app.mjs <app>');
  process.exit(2);
}
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const keepNpmPackagesExternal = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@mcp-gateway/') ? undefined : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: [path.join(root, 'apps', app, 'src', 'main.ts')],
  outfile: path.join(root, 'dist', 'apps', app, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  plugins: [keepNpmPackagesExternal],
  logLevel: 'warning',
});
