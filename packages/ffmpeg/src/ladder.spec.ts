import { buildLadder, evenWidth, rateControl, STANDARD_RUNGS } from './ladder';

describe('buildLadder', () => {
  it('a 1080p30 source gets all five rungs, 16:9, even widths, VBV from the bitrate', () => {
    expect(buildLadder({ sourceHeight: 1080, fps: 30 })).toEqual([
      { name: '1080p', width: 1920, height: 1080, bitrateKbps: 5000, maxrateKbps: 5350, bufsizeKbps: 7500, audioBitrateKbps: 128 },
      { name: '720p', width: 1280, height: 720, bitrateKbps: 2800, maxrateKbps: 2996, bufsizeKbps: 4200, audioBitrateKbps: 128 },
      { name: '480p', width: 854, height: 480, bitrateKbps: 1400, maxrateKbps: 1498, bufsizeKbps: 2100, audioBitrateKbps: 96 },
      { name: '360p', width: 640, height: 360, bitrateKbps: 800, maxrateKbps: 856, bufsizeKbps: 1200, audioBitrateKbps: 96 },
      { name: '240p', width: 426, height: 240, bitrateKbps: 400, maxrateKbps: 428, bufsizeKbps: 600, audioBitrateKbps: 64 },
    ]);
  });

  it('never upscales: a 720p source starts at 720p, a 1000-line source too', () => {
    expect(buildLadder({ sourceHeight: 720, fps: 25 }).map((r) => r.name)).toEqual(['720p', '480p', '360p', '240p']);
    expect(buildLadder({ sourceHeight: 1000, fps: 25 }).map((r) => r.name)).toEqual(['720p', '480p', '360p', '240p']);
  });

  it('above 30 fps every rung gets 1.5x the bits', () => {
    const [top] = buildLadder({ sourceHeight: 720, fps: 60 });
    expect(top).toEqual({ name: '720p', width: 1280, height: 720, bitrateKbps: 4200, maxrateKbps: 4494, bufsizeKbps: 6300, audioBitrateKbps: 128 });
  });

  it('uses the given aspect ratio', () => {
    expect(buildLadder({ sourceHeight: 480, fps: 25, aspectRatio: 4 / 3 }).map((r) => [r.width, r.height])).toEqual([
      [640, 480],
      [480, 360],
      [320, 240],
    ]);
  });

  it('a source below the lowest rung keeps one rendition at its own even height', () => {
    expect(buildLadder({ sourceHeight: 145, fps: 25 })).toEqual([
      { name: '144p', width: 256, height: 144, bitrateKbps: 400, maxrateKbps: 428, bufsizeKbps: 600, audioBitrateKbps: 64 },
    ]);
  });

  it('accepts custom rungs in any order', () => {
    const rungs = [
      { height: 360, videoKbps: 700, audioKbps: 96 },
      { height: 720, videoKbps: 2500, audioKbps: 128 },
    ];
    expect(buildLadder({ sourceHeight: 1080, fps: 30, rungs }).map((r) => [r.name, r.bitrateKbps])).toEqual([
      ['720p', 2500],
      ['360p', 700],
    ]);
  });

  it('is deterministic and leaves the standard rungs alone', () => {
    const before = JSON.stringify(STANDARD_RUNGS);
    expect(buildLadder({ sourceHeight: 1080, fps: 30 })).toEqual(buildLadder({ sourceHeight: 1080, fps: 30 }));
    expect(JSON.stringify(STANDARD_RUNGS)).toBe(before);
  });

  it.each([
    [{ sourceHeight: 0, fps: 30 }, 'sourceHeight must be a positive number'],
    [{ sourceHeight: 720, fps: Number.NaN }, 'fps must be a positive number'],
    [{ sourceHeight: 720, fps: 30, aspectRatio: -1 }, 'aspectRatio must be a positive number'],
    [{ sourceHeight: 720, fps: 30, rungs: [] }, 'rungs must not be empty'],
  ])('refuses %j', (options, message) => {
    expect(() => buildLadder(options)).toThrow(message);
  });
});

describe('evenWidth and rateControl', () => {
  it('rounds to the nearest even width', () => {
    expect(evenWidth(480, 16 / 9)).toBe(854);
    expect(evenWidth(240, 16 / 9)).toBe(426);
    expect(evenWidth(1, 1)).toBe(2);
  });

  it('maxrate is 1.07x and bufsize 1.5x the bitrate, rounded', () => {
    expect(rateControl(3000)).toEqual({ bitrateKbps: 3000, maxrateKbps: 3210, bufsizeKbps: 4500 });
    expect(rateControl(333)).toEqual({ bitrateKbps: 333, maxrateKbps: 356, bufsizeKbps: 500 });
  });
});
