import { ErrorCodes, Subjects } from '@castline/contracts';
import type { ServiceHarness } from '@castline/testkit';
import { startChannelsHarness } from './channels-harness';

/** Encoding presets as the channels service answers them over NATS (service harness, no gateway). */
let channels: ServiceHarness;

beforeAll(async () => {
  channels = await startChannelsHarness('channels-presets');
});
afterAll(async () => {
  await channels?.close();
});

interface Preset {
  id: string;
  name: string;
  builtIn: boolean;
  profile: Record<string, unknown> & { renditions: unknown[] | null };
}

const ladder = {
  name: 'Sports ladder',
  profile: {
    fps: 50,
    crf: null,
    renditions: [
      { name: '720p', width: 1280, height: 720, bitrateKbps: 3500, maxrateKbps: 3745, bufsizeKbps: 5250 },
      { name: '360p', width: 640, height: 360, bitrateKbps: 900, maxrateKbps: 963, bufsizeKbps: 1350 },
    ],
  },
};
const list = async () => (await channels.request<{ items: Preset[] }>(Subjects.presetsList)).items;

it('lists the built-in seed 002 presets first', async () => {
  const items = await list();
  expect(items.slice(0, 3).map((p) => p.name).sort()).toEqual(['1080p25', '1080p25 ladder', '720p30']);
  expect(items.find((p) => p.name === '720p30')).toMatchObject({
    builtIn: true,
    profile: { x264Preset: 'veryfast', tune: 'zerolatency', profile: 'high', level: '4.1', crf: 23, gopSeconds: 2, bFrames: 0, width: 1280, height: 720, fps: 30 },
  });
});

it('creates, updates and deletes a custom preset; built-ins and used presets are protected', async () => {
  const preset = await channels.request<Preset>(Subjects.presetsCreate, ladder);
  expect(preset.profile.renditions).toHaveLength(2);

  const replaced = await channels.request<Preset>(Subjects.presetsUpdate, { id: preset.id, changes: { name: 'Sports single', profile: { crf: 21, fps: 50 } } });
  expect(replaced.profile).toMatchObject({ crf: 21, renditions: null });

  const channel = await channels.request<{ id: string }>(Subjects.channelsCreate, { name: 'Uses preset', sources: [{ url: 'udp://127.0.0.1:20010' }], presetId: preset.id });
  await expect(channels.request(Subjects.presetsDelete, { id: preset.id })).rejects.toMatchObject({ code: ErrorCodes.conflict, status: 409 });
  await channels.request(Subjects.channelsDelete, { id: channel.id });
  expect(await channels.request(Subjects.presetsDelete, { id: preset.id })).toEqual({ deleted: true });
  expect((await list()).map((p) => p.id)).not.toContain(preset.id);

  const [builtIn] = await list();
  await expect(channels.request(Subjects.presetsUpdate, { id: builtIn!.id, changes: { name: 'x', profile: {} } })).rejects.toMatchObject({ status: 409 });
  await expect(channels.request(Subjects.presetsCreate, { name: '720p30', profile: {} })).rejects.toMatchObject({ status: 409 });
});

it('refuses contradictory profiles with VALIDATION_FAILED, writing nothing', async () => {
  const before = (await list()).length;
  await expect(channels.request(Subjects.presetsCreate, { name: 'Both', profile: { crf: 23, bitrateKbps: 3000 } })).rejects.toMatchObject({
    code: ErrorCodes.validationFailed,
    status: 400,
    message: expect.stringContaining('crf and bitrateKbps are exclusive'),
  });
  await expect(channels.request(Subjects.presetsCreate, { name: 'Odd', profile: { width: 1279, height: 720 } })).rejects.toMatchObject({ status: 400 });
  expect(await list()).toHaveLength(before);
});
