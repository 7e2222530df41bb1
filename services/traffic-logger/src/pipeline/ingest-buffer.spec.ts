import type { AccessBatch, RequestRow, WriteOutcome } from '../store/traffic-store';
import { IngestBuffer } from './ingest-buffer';

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
});
