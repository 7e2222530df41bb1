import { runOnce } from './in-flight';

describe('runOnce', () => {
  it('runs a second call with the same key only after the first settled', async () => {
    let calls = 0;
    let release!: () => void;
    const first = runOnce('start:a', () => {
      calls += 1;
      return new Promise<void>((resolve) => (release = resolve));
    });
    // the second click of a double click arrives while the first request is out
    expect(runOnce('start:a', async () => void (calls += 1))).toBeUndefined();
    expect(calls).toBe(1);
    release();
    await first;
    await runOnce('start:a', async () => void (calls += 1));
    expect(calls).toBe(2);
  });

  it('keeps keys apart and frees a key after a failure', async () => {
    let release!: () => void;
    const a = runOnce('start:a', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(runOnce('start:b', async () => 'b')).resolves.toBe('b');
    release();
    await a;
    await expect(runOnce('stop:a', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(runOnce('stop:a', async () => 'again')).resolves.toBe('again');
    expect(() =>
      runOnce('sync', () => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    await expect(runOnce('sync', async () => 'ok')).resolves.toBe('ok');
  });
});
