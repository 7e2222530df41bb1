import { CreateChannelSchema } from '@castline/contracts';
import type { Channel } from '../../../lib/channels';
import { channelChanges, channelInput, CUSTOM_OUTPUT, toFormValues } from './values';

const UPLOAD = '11111111-1111-4111-8111-111111111111';
const PRESET = '22222222-2222-4222-8222-222222222222';
const OTHER_PRESET = '33333333-3333-4333-8333-333333333333';

const channel = {
  id: 'c1',
  name: 'News',
  slug: 'news',
  sources: [
    { position: 1, url: 'udp://b', label: 'backup' },
    { position: 0, url: 'udp://a', label: 'main' },
  ],
  presetId: null,
  output: { crf: 20 },
  logo: { uploadId: UPLOAD, anchor: 'top_left', x: 10, y: 12, width: null, height: null, opacity: 0.5 },
  playback: 'public',
  autoRestart: true,
} as unknown as Channel;

describe('channel form values', () => {
  it('starts a new channel with a blank primary and one blank backup row', () => {
    expect(toFormValues(undefined)).toEqual({
      name: '',
      slug: '',
      sources: [
        { url: '', label: '' },
        { url: '', label: '' },
      ],
      presetId: '',
      logo: null,
      playback: 'public',
      autoRestart: true,
    });
  });

  it('edits a channel from its values, sources in order, a custom output kept', () => {
    const values = toFormValues(channel);
    expect(values.sources.map((source) => source.url)).toEqual(['udp://a', 'udp://b']);
    expect(values.presetId).toBe(CUSTOM_OUTPUT);
  });

  it('leaves blank backup rows, a blank slug and "keep" out of the body, and names the row of each source path', () => {
    const values = { ...toFormValues(undefined), name: 'Sports', sources: [{ url: ' udp://a ', label: '' }, { url: '', label: '' }, { url: 'file:///x', label: '' }] };
    const { input, fieldOf } = channelInput(values);
    expect(input).toEqual({ name: 'Sports', sources: [{ url: 'udp://a', label: '' }, { url: 'file:///x', label: '' }], logo: null, playback: 'public', autoRestart: true });
    // the body's second source is the form's third row
    expect(fieldOf('sources.1.url')).toBe('sources.2.url');
    expect(fieldOf('sources')).toBe('sources.0.url');
    expect(fieldOf('logo.uploadId')).toBe('logo');
    expect(fieldOf('output.crf')).toBe('presetId');
    expect(fieldOf('schedule.start')).toBeNull();
  });

  it('validates with the contract: an empty name and primary are refused on their fields', () => {
    const { input } = channelInput(toFormValues(undefined));
    const issues = CreateChannelSchema.safeParse(input).error!.issues.map((issue) => issue.path.join('.'));
    expect(issues).toEqual(['name', 'sources.0.url']);
    const slug = CreateChannelSchema.safeParse(channelInput({ ...toFormValues(undefined), name: 'x', slug: 'Bad Slug', sources: [{ url: 'udp://a', label: '' }] }).input);
    expect(slug.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['slug']);
  });

  it('sends only what an edit changed, keeping source labels and replacing a custom output by a chosen preset', () => {
    const same = CreateChannelSchema.parse(channelInput(toFormValues(channel)).input);
    expect(channelChanges(channel, same, CUSTOM_OUTPUT)).toEqual({});

    const edited = CreateChannelSchema.parse(
      channelInput({ ...toFormValues(channel), name: 'News 24', presetId: OTHER_PRESET, sources: [{ url: 'udp://a', label: '' }, { url: 'udp://c', label: '' }] }).input,
    );
    expect(channelChanges(channel, edited, OTHER_PRESET)).toEqual({
      name: 'News 24',
      sources: [
        { url: 'udp://a', label: 'main' },
        { url: 'udp://c', label: '' },
      ],
      presetId: OTHER_PRESET,
      output: null,
    });
    const withoutLogo = CreateChannelSchema.parse(channelInput({ ...toFormValues(channel), logo: null }).input);
    expect(channelChanges(channel, withoutLogo, CUSTOM_OUTPUT)).toEqual({ logo: null });
    const samePreset = { ...channel, presetId: PRESET } as Channel;
    expect(channelChanges(samePreset, CreateChannelSchema.parse(channelInput({ ...toFormValues(samePreset) }).input), PRESET)).toEqual({});
  });
});
