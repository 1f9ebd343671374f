import { readFile } from 'node:fs/promises';

/** True when a process with this pid exists (EPERM: it exists, owned by another user). */
export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid on the first line of a pid file, when that process is still running. */
export async function livePidFrom(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]?.trim());
  return isProcessAlive(pid) ? pid : undefined;
}
