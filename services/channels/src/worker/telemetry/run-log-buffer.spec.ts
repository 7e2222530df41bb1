import { MAX_LOG_LINE_LENGTH, RunLogBuffer } from './run-log-buffer';

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}`);

describe('RunLogBuffer', () => {
  it('keeps the first lines for the head and every line for the tail', () => {
    const buffer = new RunLogBuffer(3, 10);
    for (const line of lines(1, 5)) buffer.add(line);
    expect(buffer.take()).toEqual({ head: lines(1, 3), tail: lines(1, 5) });
  });

  it('never refills the head after it is full, across batches', () => {
    const buffer = new RunLogBuffer(3, 10);
    for (const line of lines(1, 2)) buffer.add(line);
    expect(buffer.take().head).toEqual(lines(1, 2));
    for (const line of lines(3, 6)) buffer.add(line);
    expect(buffer.take()).toEqual({ head: ['line 3'], tail: lines(3, 6) });
    buffer.add('line 7');
    expect(buffer.take()).toEqual({ head: [], tail: ['line 7'] });
  });

  it('hands out only the last tailLines lines and holds at most twice that between batches', () => {
    const buffer = new RunLogBuffer(2, 10);
    for (const line of lines(1, 1_000)) buffer.add(line);
    expect((buffer as unknown as { tail: string[] }).tail.length).toBeLessThan(20);
    expect(buffer.take()).toEqual({ head: lines(1, 2), tail: lines(991, 1_000) });
  });

  it('is pending only while it holds lines', () => {
    const buffer = new RunLogBuffer(2, 10);
    expect(buffer.pending).toBe(false);
    buffer.add('x');
    expect(buffer.pending).toBe(true);
    buffer.take();
    expect(buffer.pending).toBe(false);
  });

  it('cuts a runaway line', () => {
    const buffer = new RunLogBuffer(1, 1);
    buffer.add('x'.repeat(MAX_LOG_LINE_LENGTH * 3));
    const [line] = buffer.take().tail;
    expect(line).toHaveLength(MAX_LOG_LINE_LENGTH + 1);
  });
});
