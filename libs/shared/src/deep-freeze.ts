/**
 * Freezes `value` and everything it holds, in place, and returns it: for what is shared between requests and must
 * never be changed by one of them (the default workflow, a published version kept by the public catalogue).
 * Copy it (structuredClone) to start one's own.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
