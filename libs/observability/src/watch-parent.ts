/**
 * When `npm start` launched this process over an IPC channel, stop when that
 * channel closes: the launcher was killed (even by SIGKILL) and nobody would
 * stop us otherwise.
 */
export function watchParent(stop: () => Promise<unknown>): void {
  if (!process.send) return;
  process.on('disconnect', () => {
    exitAfterGrace();
    void stop().finally(() => process.exit(0));
  });
}

/**
 * A graceful stop waits for connections; when a dependency is already gone it
 * could wait forever. Past the grace period the process exits anyway.
 */
export function exitAfterGrace(graceMs = 15_000): void {
  setTimeout(() => process.exit(1), graceMs).unref();
}

/** On SIGTERM/SIGINT, Nest closes the app; this bounds how long that may take. */
export function boundShutdown(graceMs = 15_000): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => exitAfterGrace(graceMs));
}
