import type { EventRow, SessionRow } from '../store/traffic-store';
import { GroupCommit } from './group-commit';

const event = (id: string) => ({ id }) as EventRow;
const session = (id: string) => ({ id }) as SessionRow;

/** A store whose writes finish when the test says so; it records each transaction's rows. */
function controlledStore() {
  const transactions: Array<{ events: string[]; sessions: string[] }> = [];
  const pending: Array<{ resolve(): void; reject(error: Error): void }> = [];
  return {
    transactions,
    finish: () => pending.shift()!.resolve(),
    fail: (error: Error) => pending.shift()!.reject(error),
    store: {
      writeEvents: (events: EventRow[], sessions: SessionRow[]) => {
        transactions.push({ events: events.map((row) => row.id), sessions: sessions.map((row) => row.id) });
        return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
      },
    },
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone request at once, and those arriving meanwhile together in the next transaction', async () => {
    const { store, transactions, finish } = controlledStore();
    const commit = new GroupCommit(store);
    const done: string[] = [];
    const first = commit.write([event('a')], [session('s1')]).then(() => done.push('a'));
    await settled();
    expect(transactions).toEqual([{ events: ['a'], sessions: ['s1'] }]);

    const later = ['b', 'c', 'd'].map((id) => commit.write([event(id)], [session(`s-${id}`)]).then(() => done.push(id)));
    await settled();
    expect(transactions).toHaveLength(1);
    // Nobody answers before their own transaction commits.
    expect(done).toEqual([]);
    finish();
    await first;
    await settled();
    expect(transactions[1]).toEqual({ events: ['b', 'c', 'd'], sessions: ['s-b', 's-c', 's-d'] });
    expect(done).toEqual(['a']);
    finish();
    await Promise.all(later);
    expect(done).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails every request of a failed transaction, and goes on with the next ones', async () => {
    const { store, transactions, finish, fail } = controlledStore();
    const commit = new GroupCommit(store);
    const first = commit.write([event('a')], []);
    await settled();
    const failing = [commit.write([event('b')], []), commit.write([event('c')], [])];
    const outcomes = Promise.allSettled(failing);
    finish();
    await first;
    await settled();
    fail(new Error('connection lost'));
    expect((await outcomes).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    const after = commit.write([event('d')], []);
    await settled();
    expect(transactions.at(-1)).toEqual({ events: ['d'], sessions: [] });
    finish();
    await expect(after).resolves.toBeUndefined();
  });

  it('caps a transaction at maxRows, in arrival order, but never splits one request', async () => {
    const { store, transactions, finish } = controlledStore();
    const commit = new GroupCommit(store, 4);
    const all = [commit.write([event('a')], [])];
    await settled();
    all.push(commit.write([event('b')], [session('sb')]), commit.write([event('c')], [session('sc')]), commit.write([event('big1'), event('big2'), event('big3'), event('big4'), event('big5')], []));
    for (let transaction = 0; transaction < 3; transaction += 1) {
      finish();
      await settled();
    }
    await Promise.all(all);
    expect(transactions.map((transaction) => transaction.events)).toEqual([['a'], ['b', 'c'], ['big1', 'big2', 'big3', 'big4', 'big5']]);
  });
});
