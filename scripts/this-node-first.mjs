// npm puts node_modules/.bin first on PATH, and the dev dependency `node` (a Node 22
// binary, used only to run the 2026-07-28 conformance suite) links itself there as `node`.
// The gateway targets the machine's Node (20), so every script puts the directory of the
// Node running it back in front: child processes that say `node` (and `#!/usr/bin/env node`
// tools) then run on the same Node as the script.
import path from 'node:path';

export function envWithThisNodeFirst(env = process.env) {
  return { ...env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}` };
}
