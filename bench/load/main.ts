// The load-generator process. It runs apart from the servers under test so that its event
// loop and theirs never share a thread; the orchestrator sends it one job at a time over
// the IPC channel and gets the result back the same way. It exits when the orchestrator
// goes away.
import { runClosedLoop } from './closed-loop-run';
import { runFirstCall } from './first-call-run';
import { runIdleSessions } from './idle-sessions-run';
import type { LoadJob, LoadReplyMessage, LoadRequestMessage, LoadResult } from './load-job';

function run(job: LoadJob): Promise<LoadResult> {
  switch (job.kind) {
    case 'closed-loop':
      return runClosedLoop(job);
    case 'idle-sessions':
      return runIdleSessions(job);
    case 'first-call':
      return runFirstCall(job);
  }
}

if (typeof process.send !== 'function') {
  console.error('bench/load/main.ts is started by the benchmark (bench/main.ts), not by hand.');
  process.exit(2);
}
const send = process.send.bind(process);

process.on('message', (message: LoadRequestMessage) => {
  run(message.job).then(
    (result) => send({ id: message.id, ok: true, result } satisfies LoadReplyMessage),
    (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies LoadReplyMessage),
  );
});
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {
  // Ctrl-C reaches the whole process group; the orchestrator decides when we stop.
});
