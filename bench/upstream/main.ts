// Process entry for the fast upstream: `node --import tsx bench/upstream/main.ts [--port N]
// [--tools N]`. Prints one JSON line `{"msg":"upstream listening","port":N}` when ready and
// stops on SIGTERM/SIGINT, or when the benchmark that forked it goes away.
import { parseArgs } from 'node:util';
import { startFastUpstream } from './fast-upstream';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, tools: { type: 'string', default: '10' } } });
const upstream = await startFastUpstream({ port: Number(values.port), toolCount: Number(values.tools) });
console.log(JSON.stringify({ msg: 'upstream listening', port: upstream.port, tools: Number(values.tools) }));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void upstream.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
