/**
 * One request per key at a time. A double click sends two click events before React re-renders the button
 * as disabled (a mutation's pending state arrives a tick later), so the button alone cannot stop the second
 * request; this does, synchronously. `run` returns undefined when the key is already in flight.
 */
const inFlight = new Set<string>();

export function runOnce<T>(key: string, run: () => Promise<T>): Promise<T> | undefined {
  if (inFlight.has(key)) return undefined;
  inFlight.add(key);
  let promise: Promise<T>;
  try {
    promise = run();
  } catch (error) {
    inFlight.delete(key);
    throw error;
  }
  return promise.finally(() => inFlight.delete(key));
}
