import { checkSourceOptions } from './source-options';

describe('checkSourceOptions', () => {
  it.each([
    ['udp://239.1.1.1:1234?pkt_size=1316&fifo_size=50000&overrun_nonfatal=1&timeout=5000000', 'udp'],
    ['srt://enc.example.com:9000?mode=caller&latency=200000&passphrase=0123456789abc', 'srt'],
    ['https://cdn.example.com/a.m3u8?localaddr=1&anything=else', 'https'],
    ['udp://239.1.1.1:1234', 'udp'],
  ] as const)('allows %s', (url, scheme) => {
    expect(checkSourceOptions(url, scheme)).toEqual({ ok: true });
  });

  it.each([
    ['udp://239.1.1.1:1234?localaddr=10.0.0.1', 'udp', 'localaddr'],
    ['udp://239.1.1.1:1234?fifo_size=99999999', 'udp', 'fifo_size'],
    ['udp://239.1.1.1:1234?pkt_size=abc', 'udp', 'pkt_size'],
    ['rtp://239.1.1.1:1234?localrtpport=5000', 'rtp', 'localrtpport'],
    ['srt://enc.example.com:9000?mode=listener', 'srt', 'mode'],
    ['srt://enc.example.com:9000?mode=rendezvous', 'srt', 'mode'],
    ['srt://enc.example.com:9000?localport=9000', 'srt', 'localport'],
  ] as const)('refuses %s naming %s', (url, scheme, option) => {
    expect(checkSourceOptions(url, scheme)).toMatchObject({ ok: false, option, reason: expect.stringContaining(`"${option}"`) });
  });

  it('allows srt listener mode only when told to', () => {
    expect(checkSourceOptions('srt://enc.example.com:9000?mode=listener', 'srt', { allowListener: true })).toEqual({ ok: true });
  });
});
