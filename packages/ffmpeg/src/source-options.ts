import type { SourceScheme } from './source-url';

/**
 * FFmpeg reads the query of udp://, rtp:// and srt:// URLs as its own options (bind addresses, listen
 * modes, buffer sizes). Only the options below pass, with caps where a value could exhaust memory; the
 * query of http(s)/rtmp(s)/rtsp URLs goes to the remote server and is not checked here.
 */
type OptionRule = { kind: 'int'; min: number; max: number } | { kind: 'flag' } | { kind: 'enum'; values: readonly string[] } | { kind: 'text'; maxLength: number };

const int = (min: number, max: number): OptionRule => ({ kind: 'int', min, max });
const flag: OptionRule = { kind: 'flag' };

const UDP_OPTIONS: Record<string, OptionRule> = {
  pkt_size: int(1, 65_535),
  // In 188-byte packets: 262144 is 48 MiB, FFmpeg's default is 28672.
  fifo_size: int(0, 262_144),
  buffer_size: int(0, 16 * 1024 * 1024),
  overrun_nonfatal: flag,
  timeout: int(0, 120_000_000),
};

const OPTIONS: Partial<Record<SourceScheme, Record<string, OptionRule>>> = {
  udp: UDP_OPTIONS,
  rtp: { pkt_size: UDP_OPTIONS.pkt_size as OptionRule, buffer_size: UDP_OPTIONS.buffer_size as OptionRule, timeout: UDP_OPTIONS.timeout as OptionRule },
  srt: {
    mode: { kind: 'enum', values: ['caller', 'listener', 'rendezvous'] },
    latency: int(0, 10_000_000),
    rcvlatency: int(0, 10_000_000),
    peerlatency: int(0, 10_000_000),
    connect_timeout: int(0, 120_000),
    timeout: int(0, 120_000_000),
    passphrase: { kind: 'text', maxLength: 79 },
    pbkeylen: { kind: 'enum', values: ['0', '16', '24', '32'] },
    streamid: { kind: 'text', maxLength: 512 },
    payload_size: int(0, 1456),
    transtype: { kind: 'enum', values: ['live'] },
  },
};

export type SourceOptionsCheck = { ok: true } | { ok: false; option: string; reason: string };

export function checkSourceOptions(url: string, scheme: SourceScheme, options: { allowListener?: boolean } = {}): SourceOptionsCheck {
  const rules = OPTIONS[scheme];
  if (!rules) return { ok: true };
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return { ok: true };
  const query = url.slice(queryAt + 1).split('#', 1)[0] ?? '';
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? undefined : pair.slice(equals + 1);
    const rule = rules[name];
    const refuse = (reason: string): SourceOptionsCheck => ({ ok: false, option: name, reason: `${scheme} option "${name}" ${reason}` });
    if (!rule) return refuse(`is not allowed (allowed: ${Object.keys(rules).join(', ')})`);
    if (rule.kind === 'flag') {
      if (value !== undefined && !['0', '1'].includes(value)) return refuse('takes 0 or 1');
    } else if (value === undefined || value === '') {
      return refuse('needs a value');
    } else if (rule.kind === 'int') {
      if (!/^\d+$/.test(value) || Number(value) < rule.min || Number(value) > rule.max) return refuse(`must be a whole number from ${rule.min} to ${rule.max}`);
    } else if (rule.kind === 'enum') {
      if (!rule.values.includes(value)) return refuse(`must be one of ${rule.values.join(', ')}`);
    } else if (value.length > rule.maxLength) {
      return refuse(`is longer than ${rule.maxLength} characters`);
    }
    if (scheme === 'srt' && name === 'mode' && value !== 'caller' && !options.allowListener) {
      return refuse(`"${value}" opens a listening socket; only caller mode is allowed unless SOURCE_ALLOW_LISTENER=true`);
    }
  }
  return { ok: true };
}
