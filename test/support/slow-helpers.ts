import type { CaughtMail } from '@guichet/mail-catcher';

/** A request's reference where it stands in a mail's subject (`GCH-XXXX-XXXX`, as libs/submissions makes them). */
export const REFERENCE_IN_TEXT = /GCH-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/;

export function referenceOf(mail: CaughtMail): string | undefined {
  return REFERENCE_IN_TEXT.exec(mail.subject)?.[0];
}

/**
 * Figures for the closing notes, on stdout under the test's tag (the project's lint forbids console); CI's log
 * keeps them.
 */
export function noteWriter(tag: string): (line: string) => void {
  return (line) => process.stdout.write(`\n[${tag}] ${line}\n`);
}

/** Runs `task` over `items`, at most `limit` at a time; results in the order of `items`. */
export async function inPool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
