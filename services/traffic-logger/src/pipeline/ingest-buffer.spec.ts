import type { AccessBatch, RequestRow, WriteOutcome } from '../store/traffic-store';
import { IngestBuffer, type SpillSink } from './ingest-buffer';

/** A store that records batches and fails while told to. */
class RecordingStore {
  batches: AccessBatch[] = [];
  failing = false;
  outcome: WriteOutcome = 'written';
  async writeAccessBatch(batch: AccessBatch): Promise<WriteOutcome> {
    if (this.failing) throw new Error('connection refused');
    this.batches.push(batch);
    return this.outcome;
  }
}

/** The spill's rules in memory: behind waiting entries, up to `max` rows, then full. */
class MemorySpill implements SpillSink {
  entries: AccessBatch[] = [];
  constructor(private readonly max: number) {}
  async appendAccess(batch: AccessBatch, onlyIfPending: boolean) {
    if (onlyIfPending && this.entries.length === 0) return 'direct' as const;
    const waiting = this.entries.reduce((sum, entry) => sum + entry.requests.length, 0);
    if (waiting > 0 && waiting + batch.requests.length > this.max) return 'full' as const;
    this.entries.push(batch);
    return 'spilled' as const;
  }
}

const row = (id: number) => ({ requestId: String(id) }) as RequestRow;
const rows = (...ids: number[]) => ({ requests: ids.map(row), viewHits: [] });
const checkpoint = (offset: number) => ({ source: 's', owner: 'o', inode: '1', offset });
const ids = (store: RecordingStore) => store.batches.flatMap((batch) => batch.requests.map((each) => Number(each.requestId)));

describe('IngestBuffer', () => {
  it('writes once flushRows rows wait, with the newest checkpoint', async () => {
    const store = new RecordingStore();
    const buffer = new IngestBuffer(store, { flushRows: 3, flushMs: 60_000 });
    await buffer.add(rows(1, 2), checkpoint(10));
    expect(store.batches).toEqual([]);
    await buffer.add(rows(3), checkpoint(20));
    expect(store.batches).toHaveLength(1);
    expect(ids(store)).toEqual([1, 2, 3]);
    expect(store.batches[0]!.checkpoint).toEqual(checkpoint(20));
    expect(buffer.depth).toBe(0);
    await buffer.close();
  });

  it('writes what waits on close (SIGTERM)', async () => {
    const store = new RecordingStore();
    const buffer = new IngestBuffer(store, { flushRows: 100, flushMs: 60_000 });
    await buffer.add(rows(1), checkpoint(5));
    await buffer.close();
    expect(ids(store)).toEqual([1]);
    await expect(buffer.add(rows(2), null)).rejects.toThrow('closed');
  });

  it('writes after flushMs without more rows', async () => {
    const store = new RecordingStore();
    const buffer = new IngestBuffer(store, { flushRows: 100, flushMs: 20 });
    await buffer.add(rows(1), checkpoint(5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ids(store)).toEqual([1]);
    await buffer.close();
  });

  it('keeps rows in order through a failed write and retries them', async () => {
    const store = new RecordingStore();
    const errors: unknown[] = [];
    const buffer = new IngestBuffer(store, { flushRows: 2, flushMs: 10, onFlushError: (error) => errors.push(error) });
    store.failing = true;
    await buffer.add(rows(1, 2), checkpoint(2));
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(buffer.depth).toBe(2);
    store.failing = false;
    await buffer.add(rows(3), checkpoint(3));
    await buffer.close();
    expect(ids(store)).toEqual([1, 2, 3]);
    expect(store.batches.at(-1)!.checkpoint).toEqual(checkpoint(3));
  });

  it('drops the rows a fenced write refused and says so', async () => {
    const store = new RecordingStore();
    store.outcome = 'fenced';
    let fenced = 0;
    const buffer = new IngestBuffer(store, { flushRows: 1, onFenced: () => (fenced += 1) });
    await buffer.add(rows(1), checkpoint(1));
    expect(fenced).toBe(1);
    expect(buffer.depth).toBe(0);
    await buffer.close();
  });

  it('spills batches the store refuses, puts later ones behind them, and holds the rows once the spill is full', async () => {
    const store = new RecordingStore();
    const spill = new MemorySpill(4);
    let spilled = 0;
    const buffer = new IngestBuffer(store, { flushRows: 2, flushMs: 10, capacity: 4, spill, onSpilled: () => (spilled += 1), onFlushError: () => undefined });
    await buffer.add(rows(1), checkpoint(1));
    await buffer.flush();
    expect(ids(store)).toEqual([1]);
    store.failing = true;
    await buffer.add(rows(2, 3), checkpoint(3));
    expect(spill.entries.map((entry) => entry.checkpoint)).toEqual([checkpoint(3)]);
    expect(spilled).toBe(1);
    // The store answers again, but a batch waits in the spill: the next one goes behind it.
    store.failing = false;
    await buffer.add(rows(4, 5), checkpoint(5));
    expect(ids(store)).toEqual([1]);
    expect(spill.entries.map((entry) => entry.requests.map((each) => Number(each.requestId)))).toEqual([[2, 3], [4, 5]]);
    // Full (4 rows wait): the rows stay in the buffer and add() waits (the tailer pauses) until the spill drains.
    let added = false;
    const adding = buffer.add(rows(6, 7, 8, 9), checkpoint(9)).then(() => (added = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(added).toBe(false);
    expect(buffer.depth).toBe(4);
    spill.entries = [];
    await adding;
    expect(ids(store)).toEqual([1, 6, 7, 8, 9]);
    expect(store.batches.at(-1)!.checkpoint).toEqual(checkpoint(9));
    await buffer.close();
  });
});
