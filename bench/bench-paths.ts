// Where the benchmark finds the repository and writes its results.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const RESULTS_JSON_PATH = path.join(REPO_ROOT, 'bench', 'results', 'latest.json');
export const BENCHMARKS_DOC_PATH = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
export const BROKER_ENTRY = path.join(REPO_ROOT, 'dist', 'apps', 'broker', 'main.js');
export const ROUTER_ENTRY = path.join(REPO_ROOT, 'dist', 'apps', 'router', 'main.js');
