import { resealStale } from './reseal-secrets';
import { SecretBox } from './secret-box';

describe('resealStale', () => {
  const OLD = 'the-old-key-of-enough-length-0001';
  const NEW = 'the-new-key-of-enough-length-0002';
  const aad = (row: { id: string }) => `receivers:${row.id}:config`;
  const logger = () => ({ log: jest.fn(), warn: jest.fn() });

  it('seals values of an old key again with the current one (same AAD), skips current ones and leaves unreadable ones', async () => {
    const before = new SecretBox(OLD);
    const box = new SecretBox(NEW, [OLD]);
    const rows = [
      { id: '1', sealed: before.seal('one', 'receivers:1:config') },
      { id: '2', sealed: box.seal('two', 'receivers:2:config') },
      { id: '3', sealed: new SecretBox('a-lost-key-of-enough-length-0003').seal('three', 'receivers:3:config') },
      { id: '4', sealed: 'not sealed at all' },
    ];
    const writes: Array<[string, string, string]> = [];
    const log = logger();
    const result = await resealStale(box, rows, { aad, logger: log, what: 'receivers.config', write: async (row, next) => (writes.push([row.id, row.sealed, next]), true) });
    expect(result).toEqual({ resealed: 1, changed: 0, unreadable: ['3', '4'] });
    expect(writes.map(([id, from]) => [id, from])).toEqual([['1', rows[0]!.sealed]]);
    expect(new SecretBox(NEW).open(writes[0]![2], 'receivers:1:config')).toBe('one');
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.log).toHaveBeenCalledWith(expect.stringContaining('Re-sealed 1 receivers.config'));
  });

  it('counts a row changed meanwhile (the write found another value) without failing', async () => {
    const box = new SecretBox(NEW, [OLD]);
    const rows = [{ id: '1', sealed: new SecretBox(OLD).seal('one', 'receivers:1:config') }];
    expect(await resealStale(box, rows, { aad, logger: logger(), what: 'receivers.config', write: async () => false })).toEqual({ resealed: 0, changed: 1, unreadable: [] });
  });
});
