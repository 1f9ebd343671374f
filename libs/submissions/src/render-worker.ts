/**
 * A render thread of RenderPool: draws what it is sent, answers the bytes.
 * It holds no connection and no secret: only the input it is given.
 */
import { platform, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { renderReceiptPdf } from './receipt';
import type { RenderTask } from './render-pool';

// On Linux a priority set with pid 0 is the calling thread's alone: renders yield the CPU to the event loop
// (health checks, saves) on a busy machine. Elsewhere it would renice the whole API, so it is left as is.
if (platform() === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // Not allowed here (some containers): renders simply run at the same priority.
  }
}

parentPort?.on('message', (task: RenderTask) => {
  renderReceiptPdf(task.input).then(
    (pdf) => parentPort!.postMessage({ pdf: new Uint8Array(pdf) }),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
