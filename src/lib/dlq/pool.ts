/** Runs `workers` copies of a loop concurrently and waits for all, keeping the first error. */
export async function runWorkers(workers: number, loop: (index: number) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(Array.from({ length: workers }, (_, i) => loop(i)));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}

/** Maps items with at most `limit` promises in flight, preserving order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await runWorkers(Math.min(limit, items.length), async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  return results;
}
