import { channelLabels, namedAlike } from './channel-names';

const channels = [
  { id: '1', name: 'Demo', slug: 'demo' },
  { id: '2', name: 'demo ', slug: 'demo-2' },
  { id: '3', name: 'News', slug: 'news' },
];

describe('channels named alike', () => {
  it('finds existing channels with the same name, trimmed and in any case, but not the one being edited', () => {
    expect(namedAlike('DEMO', channels).map((channel) => channel.id)).toEqual(['1', '2']);
    expect(namedAlike(' Demo ', channels, '1').map((channel) => channel.id)).toEqual(['2']);
    expect(namedAlike('Sports', channels)).toEqual([]);
    expect(namedAlike('  ', channels)).toEqual([]);
  });

  it('adds the slug to the label only where two listed channels share a name', () => {
    expect(channelLabels(channels)).toEqual(
      new Map([
        ['1', 'Demo (demo)'],
        ['2', 'demo  (demo-2)'],
        ['3', 'News'],
      ]),
    );
  });
});
