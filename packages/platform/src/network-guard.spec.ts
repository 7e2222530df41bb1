import { NetworkGuard, parseAllowedNetworks, parseAllowedTargets } from './network-guard';

const resolveTo =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<string[]> => {
    const found = table[host];
    if (!found) throw new Error('ENOTFOUND');
    return found;
  };

describe('NetworkGuard', () => {
  const guard = new NetworkGuard(undefined, resolveTo({ 'metadata.evil': ['169.254.169.254'], 'cdn.example': ['93.184.215.14'], 'mixed.evil': ['93.184.215.14', '10.0.0.1'] }));

  it.each([
    ['127.0.0.1', 'SOURCE_ADDRESS_REFUSED'],
    ['169.254.169.254', 'SOURCE_ADDRESS_REFUSED'],
    ['10.1.2.3', 'SOURCE_ADDRESS_REFUSED'],
    ['192.168.1.10', 'SOURCE_ADDRESS_REFUSED'],
    ['100.100.100.200', 'SOURCE_ADDRESS_REFUSED'],
    ['0.0.0.0', 'SOURCE_ADDRESS_REFUSED'],
    ['[::1]', 'SOURCE_ADDRESS_REFUSED'],
    ['[::]', 'SOURCE_ADDRESS_REFUSED'],
    ['[::ffff:127.0.0.1]', 'SOURCE_ADDRESS_REFUSED'],
    ['[::ffff:7f00:1]', 'SOURCE_ADDRESS_REFUSED'],
    ['[fd00:ec2::254]', 'SOURCE_ADDRESS_REFUSED'],
    ['[fe80::1]', 'SOURCE_ADDRESS_REFUSED'],
    ['0x7f000001', 'SOURCE_HOST_NUMERIC'],
    ['2130706433', 'SOURCE_HOST_NUMERIC'],
    ['0177.0.0.1', 'SOURCE_HOST_NUMERIC'],
    ['127.1', 'SOURCE_HOST_NUMERIC'],
    ['0x7f.0.0.1', 'SOURCE_HOST_NUMERIC'],
    ['metadata.evil', 'SOURCE_ADDRESS_REFUSED'],
    ['mixed.evil', 'SOURCE_ADDRESS_REFUSED'],
    ['nowhere.invalid', 'SOURCE_HOST_UNRESOLVED'],
  ])('refuses %s (%s)', async (host, code) => {
    expect(await guard.checkHost(host)).toMatchObject({ ok: false, code });
  });

  it.each([['93.184.215.14'], ['239.1.1.1'], ['[ff0e::1]'], ['[2001:4860::8888]'], ['cdn.example']])('allows %s', async (host) => {
    expect(await guard.checkHost(host)).toMatchObject({ ok: true });
  });

  it('lets the allow-list open private networks, per label when labelled', async () => {
    const lan = new NetworkGuard('10.20.0.0/16, udp:127.0.0.1/32, fd00::/8', resolveTo({}));
    expect(await lan.checkHost('10.20.3.4', 'rtsp')).toMatchObject({ ok: true });
    expect(await lan.checkHost('10.21.3.4', 'rtsp')).toMatchObject({ ok: false });
    expect(await lan.checkHost('127.0.0.1', 'udp')).toMatchObject({ ok: true });
    expect(await lan.checkHost('127.0.0.1', 'http')).toMatchObject({ ok: false });
    expect(await lan.checkHost('[fd00::5]', 'srt')).toMatchObject({ ok: true });
    expect(await lan.checkHost('[::ffff:10.20.0.9]', 'srt')).toMatchObject({ ok: true });
  });

  it('names a bad allow-list entry', () => {
    expect(() => parseAllowedNetworks('10.0.0.0/8,nonsense')).toThrow('"nonsense" is not a CIDR');
  });

  it('reads CIDRs and host names for alert targets, refuses multicast and names the variable', async () => {
    expect(parseAllowedTargets('10.0.0.0/8, Status.Internal., 127.0.0.2')).toMatchObject({ hosts: new Set(['status.internal']) });
    const targets = new NetworkGuard('status.internal, 127.0.0.2', resolveTo({ 'status.internal': ['10.9.9.9'], 'other.internal': ['10.9.9.9'] }), {
      variable: 'ALERTS_ALLOWED_TARGETS',
      hostNames: true,
      unicastOnly: true,
    });
    expect(await targets.checkHost('status.internal')).toEqual({ ok: true, addresses: ['10.9.9.9'] });
    expect(await targets.checkHost('other.internal')).toMatchObject({ ok: false, reason: expect.stringContaining('ALERTS_ALLOWED_TARGETS') });
    expect(await targets.checkHost('127.0.0.2')).toMatchObject({ ok: true });
    expect(await targets.checkHost('127.0.0.1')).toMatchObject({ ok: false });
    expect(await targets.checkHost('239.1.1.1')).toMatchObject({ ok: false });
    expect(await targets.checkHost('[::ffff:169.254.169.254]')).toMatchObject({ ok: false });
  });
});
