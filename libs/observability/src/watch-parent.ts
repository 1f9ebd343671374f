/**
 * When `npm start` launched this process over an IPC channel, stop when that
 * channel closes: the launcher was killed (even by SIGKILL) and nobody would
 * stop us otherwise.
 */
export function watchParent(stop: () => Promise<unknown>): void {
  if (!process.send) return;
  process.on('disconnect', () => {
    void stop().finally(() => process.exit(0));
  });
}
