import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '@guichet/shared';
import type { ReceiptInput } from './receipt';

/** What a render thread is asked to do; one kind for now, the shape leaves room for others. */
export interface RenderTask {
  kind: 'receipt';
  input: ReceiptInput;
}

interface Pending {
  task: RenderTask;
  resolve(pdf: Buffer): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  job?: Pending & { timer: NodeJS.Timeout };
}

export interface RenderPoolOptions {
  /** Threads (default 1: on a small machine the event loop keeps the other core). */
  size?: number;
  /** A render that takes longer is stopped (its thread is replaced) and answers 503. */
  timeoutMs?: number;
  /** Renders waiting for a thread past this number are refused at once with 503, not queued without end. */
  maxWaiting?: number;
}

/**
 * Running from the TypeScript sources (the test suites): a thread cannot load
 * `.ts` by itself, so it gets the same swc transform jest uses. Built code
 * (`npm start`, production) loads the compiled `.js` directly.
 */
const TS_BOOT = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename, swcrc: false,
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@guichet\\/([\\w-]+)$/.exec(request);
  return resolve.call(this, lib ? join(workerData.libs, lib[1], 'src') : request, ...rest);
};
require(workerData.entry);
`;

/**
 * The size ceiling of a render: answers are at most BODY_LIMIT_KB (1 MB by
 * default) when saved, so more than this is refused (413) rather than drawn;
 * a render past `timeoutMs` is stopped; past `maxWaiting` renders waiting, 503.
 */
export const RECEIPT_MAX_DATA_BYTES = 2 * 1024 * 1024;

/**
 * CPU-heavy renders (receipt PDFs: 1.9 s for a 900 kB answer) on worker
 * threads, so that no request stalls the API's event loop: /health/live,
 * other citizens' saves and the desk keep answering while a PDF is drawn.
 * Threads start on first use; a render past `timeoutMs` ends its thread.
 */
export class RenderPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxWaiting: number;
  private closed = false;

  constructor(options: RenderPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 1);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxWaiting = options.maxWaiting ?? 32;
  }

  /** The receipt PDF of `input`, drawn on a render thread. */
  receipt(input: ReceiptInput): Promise<Buffer> {
    if (Buffer.byteLength(JSON.stringify(input.data)) > RECEIPT_MAX_DATA_BYTES) {
      return Promise.reject(new AppError('PAYLOAD_TOO_LARGE', { params: { limit: '2 Mo' } }));
    }
    return this.run({ kind: 'receipt', input });
  }

  private run(task: RenderTask): Promise<Buffer> {
    if (this.closed) return Promise.reject(unavailable());
    return new Promise<Buffer>((resolve, reject) => {
      if (this.waiting.length >= this.maxWaiting) return reject(unavailable());
      this.waiting.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length) {
      const slot = this.slots.find((s) => !s.job) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const next = this.waiting.shift()!;
      const timer = setTimeout(() => this.fail(slot, unavailable(), true), this.timeoutMs);
      slot.job = { ...next, timer };
      slot.worker.postMessage(next.task);
    }
  }

  private spawn(): Slot {
    const entry = join(__dirname, `render-worker${extname(__filename)}`);
    const fromSources = entry.endsWith('.ts');
    const worker = fromSources
      ? new Worker(TS_BOOT, { eval: true, workerData: { entry, libs: join(__dirname, '..', '..') } })
      : new Worker(entry);
    // An idle thread never keeps the process alive.
    worker.unref();
    const slot: Slot = { worker };
    worker.on('message', (message: { pdf?: Uint8Array; error?: string }) => {
      const job = slot.job;
      if (!job) return;
      clearTimeout(job.timer);
      slot.job = undefined;
      if (message.pdf) job.resolve(Buffer.from(message.pdf.buffer, message.pdf.byteOffset, message.pdf.byteLength));
      else job.reject(new Error(`render failed: ${message.error ?? 'unknown'}`));
      this.dispatch();
    });
    worker.on('error', (error) => this.fail(slot, error, false));
    worker.on('exit', () => this.fail(slot, new Error('render thread exited'), false));
    this.slots.push(slot);
    return slot;
  }

  /** A thread that failed or overran: its job fails, the thread goes, the next job gets a new one. */
  private fail(slot: Slot, error: unknown, terminate: boolean): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    if (terminate) void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  /** Ends the threads (Nest calls this at shutdown); renders still waiting answer 503. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.reject(unavailable());
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      if (slot.job) {
        clearTimeout(slot.job.timer);
        slot.job.reject(unavailable());
      }
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

function unavailable(): AppError {
  return new AppError('SERVICE_UNAVAILABLE', { params: { dependencies: 'génération des documents PDF' } });
}
