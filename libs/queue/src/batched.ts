/**
 * Group commit: calls made while a statement is being prepared or is running
 * share the next statement instead of each paying its own round trip.
 *
 * `load(key)` returns a promise of the value `run` gives for that key. The
 * first call schedules a run on the next turn of the event loop (so an idle
 * worker waits no longer than that); calls arriving while a run is in flight
 * wait for the one after it, which takes them all (at most `max` keys per
 * run). Under load the batches grow by themselves; alone, a call is one
 * statement, as before. A run that fails rejects every call of its batch
 * (each job then fails and is retried, as it would have alone).
 */
export class Batched<K, V> {
  private pending = new Map<K, Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>>();
  private scheduled = false;
  private running = false;

  constructor(
    /** Answers for every key asked (a key missing from the map gets `fallback`). */
    private readonly run: (keys: K[]) => Promise<Map<K, V>>,
    private readonly fallback: V,
    private readonly max = 500,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    this.running = true;
    const batch = new Map<K, Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>>();
    for (const [key, waiting] of this.pending) {
      if (batch.size >= this.max) break;
      batch.set(key, waiting);
    }
    for (const key of batch.keys()) this.pending.delete(key);
    try {
      const answers = await this.run([...batch.keys()]);
      for (const [key, waiting] of batch) {
        const value = answers.has(key) ? (answers.get(key) as V) : this.fallback;
        for (const { resolve } of waiting) resolve(value);
      }
    } catch (error) {
      for (const waiting of batch.values()) for (const { reject } of waiting) reject(error);
    } finally {
      this.running = false;
    }
    if (this.pending.size > 0) this.schedule();
  }
}
