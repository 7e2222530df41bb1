import { ProgressParser } from './progress';

function block(fields: Record<string, string | number>, progress = 'continue'): string {
  return Object.entries({ ...fields, progress })
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}

// As FFmpeg 5.1 prints it for an HLS output (total_size and bitrate N/A).
const HLS_BLOCK =
  'frame=119\nfps=113.93\nstream_0_0_q=22.0\nbitrate=N/A\ntotal_size=N/A\nout_time_us=3966667\n' +
  'out_time_ms=3966667\nout_time=00:00:03.966667\ndup_frames=16\ndrop_frames=0\nspeed=3.79x\nprogress=continue\n';

describe('ProgressParser', () => {
  it('parses a 5.1 block, N/A as undefined, out_time_ms as microseconds', () => {
    const parser = new ProgressParser({ now: () => 42 });
    expect(parser.push(HLS_BLOCK)).toEqual([
      {
        frame: 119,
        fps: 113.93,
        bitrateKbps: undefined,
        totalSize: undefined,
        outTimeMs: 3966.667,
        speed: 3.79,
        dropFrames: 0,
        dupFrames: 16,
        progress: 'continue',
        at: 42,
      },
    ]);
  });

  it('parses bitrate and size when the muxer reports them, and the end block', () => {
    const parser = new ProgressParser({ now: () => 0 });
    const text = block(
      { frame: 300, fps: '30.01', bitrate: '1234.5kbits/s', total_size: 1543125, out_time_ms: 10000000, dup_frames: 1, drop_frames: 2, speed: '1.01x' },
      'end',
    );
    expect(parser.push(text)).toEqual([
      {
        frame: 300,
        fps: 30.01,
        bitrateKbps: 1234.5,
        totalSize: 1543125,
        outTimeMs: 10000,
        speed: 1.01,
        dropFrames: 2,
        dupFrames: 1,
        progress: 'end',
        at: 0,
      },
    ]);
  });

  it('gives the same samples whether the text arrives whole, byte by byte or as Buffers with CRLF', () => {
    const text = HLS_BLOCK + block({ frame: 135, fps: '31.5', out_time_us: 4500000, speed: '1.5x' });
    const whole = new ProgressParser({ now: () => 1 }).push(text);

    const byteByByte = new ProgressParser({ now: () => 1 });
    const samples = [...text].flatMap((character) => byteByByte.push(character));
    expect(samples).toEqual(whole);
    expect(samples).toHaveLength(2);

    const buffers = new ProgressParser({ now: () => 1 });
    const crlf = Buffer.from(text.replace(/\n/g, '\r\n'));
    expect([...buffers.push(crlf.subarray(0, 77)), ...buffers.push(crlf.subarray(77))]).toEqual(whole);
  });

  it('keeps an unfinished block until its progress line arrives', () => {
    const parser = new ProgressParser({ now: () => 0 });
    expect(parser.push('frame=10\nfps=5\nspe')).toEqual([]);
    expect(parser.latest).toBeUndefined();
    const [sample] = parser.push('ed=0.5x\nprogress=continue\n');
    expect(sample).toMatchObject({ frame: 10, fps: 5, speed: 0.5 });
    expect(parser.latest).toBe(sample);
  });

  it('falls back to out_time when the microsecond fields are missing, including negative start times', () => {
    const parser = new ProgressParser({ now: () => 0 });
    const [positive, negative, missing] = parser.push(
      block({ out_time: '01:02:03.500000' }) + block({ out_time: '-00:00:00.100000' }) + block({ out_time_us: 'N/A', speed: 'N/A' }),
    );
    expect(positive?.outTimeMs).toBe(3723500);
    expect(negative?.outTimeMs).toBe(-100);
    expect(missing?.outTimeMs).toBeUndefined();
    expect(missing?.speed).toBeUndefined();
  });

  it('averages fps, bitrate and speed from counter deltas over the window, not from instantaneous values', () => {
    let now = 0;
    const parser = new ProgressParser({ windowSeconds: 4, now: () => now });
    // 10 s of a run at 25 fps and 2000 kbit/s of media, encoding at 0.5x speed for the last 4 s.
    for (let second = 0; second <= 10; second++) {
      now = second * 1000;
      const mediaSeconds = second <= 6 ? second : 6 + (second - 6) / 2;
      parser.push(
        block({
          frame: Math.round(mediaSeconds * 25),
          fps: 999, // FFmpeg's own since-start average: ignored for the window
          total_size: mediaSeconds * 250_000,
          out_time_us: mediaSeconds * 1_000_000,
          speed: '9.99x',
        }),
      );
    }
    const averages = parser.averages();
    expect(averages.samples).toBe(5);
    expect(averages.averageFps).toBeCloseTo(12.5);
    expect(averages.averageBitrateKbps).toBeCloseTo(2000);
    expect(averages.averageSpeed).toBeCloseTo(0.5);
  });

  it('has no averages for HLS bitrate (N/A), for a single sample, or once the samples are stale', () => {
    let now = 0;
    const parser = new ProgressParser({ windowSeconds: 5, now: () => now });
    parser.push(HLS_BLOCK);
    expect(parser.averages()).toEqual({ samples: 1 });
    now = 1000;
    parser.push(HLS_BLOCK.replace('frame=119', 'frame=149').replace(/out_time_us=\d+/, 'out_time_us=4966667'));
    const averages = parser.averages();
    expect(averages).toMatchObject({ averageFps: 30, averageBitrateKbps: undefined, samples: 2 });
    expect(averages.averageSpeed).toBeCloseTo(1);
    now = 10_000;
    expect(parser.averages()).toEqual({ samples: 0 });
    expect(parser.latest?.frame).toBe(149);
  });

  it('ignores counters that go backwards and lines that are not key=value', () => {
    let now = 0;
    const parser = new ProgressParser({ now: () => now });
    parser.push('garbage\n=x\n' + block({ frame: 100, out_time_us: 4_000_000 }));
    now = 1000;
    parser.push(block({ frame: 50, out_time_us: 5_000_000 }));
    expect(parser.averages()).toEqual({ averageFps: undefined, averageBitrateKbps: undefined, averageSpeed: 1, samples: 2 });
  });

  it('drops an endless line instead of buffering it', () => {
    const parser = new ProgressParser({ now: () => 0 });
    parser.push('x'.repeat(70 * 1024));
    expect(parser.push('\nframe=1\nprogress=continue\n')).toEqual([expect.objectContaining({ frame: 1 })]);
  });

  it('refuses a window that is not positive', () => {
    expect(() => new ProgressParser({ windowSeconds: 0 })).toThrow('windowSeconds must be positive');
  });
});
