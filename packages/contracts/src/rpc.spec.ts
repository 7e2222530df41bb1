import { z } from 'zod';
import { Events, Rpc } from './catalog';
import { checkMessage, DEFAULT_RPC_TIMEOUT_MS, defineEvent, defineRpc } from './rpc';

const Thing = defineRpc('test.things.get', z.object({ id: z.uuid(), limit: z.number().int().default(20) }), z.object({ name: z.string() }), { timeoutMs: 1_000 });
const id = '8f1d4a52-2b5b-4a8e-9a53-3f4b6f0b1c11';

describe('defineRpc', () => {
  it('keeps the subject, both schemas and the deadline', () => {
    expect(Thing).toMatchObject({ kind: 'rpc', subject: 'test.things.get', timeoutMs: 1_000 });
    expect(defineRpc('x', z.object({}), z.object({})).timeoutMs).toBe(DEFAULT_RPC_TIMEOUT_MS);
  });

  it('accepts a good request and applies its defaults', () => {
    expect(checkMessage(Thing.request, { id })).toEqual({ ok: true, data: { id, limit: 20 } });
  });

  it('refuses a bad request naming each field', () => {
    const check = checkMessage(Thing.request, { id: 'nope', limit: 1.5 });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.map((problem) => problem.path)).toEqual(['id', 'limit']);
    expect(check.summary).toMatch(/^id: .+; limit: .+/);
  });

  it('refuses a bad response naming the field', () => {
    const check = checkMessage(Thing.response, { name: 42 });
    expect(check).toMatchObject({ ok: false, problems: [{ path: 'name' }] });
    expect(checkMessage(Thing.response, { name: 'ok' }).ok).toBe(true);
  });

  it('declares every subject of the catalog once', () => {
    const subjects = [
      ...Object.values(Rpc)
        .filter((group) => typeof group === 'object')
        .flatMap((group) => Object.values(group).map((rpc) => rpc.subject)),
      Rpc.health('channels').subject,
    ];
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(subjects).toEqual(expect.arrayContaining(['channels.list', 'channels.presets.create', 'monitoring.system', 'gateway.audit.recent', 'channels.health']));
  });
});

describe('defineEvent', () => {
  it('checks a payload both ways with one schema', () => {
    const event = defineEvent('test.happened', z.object({ channelId: z.uuid(), at: z.string() }));
    expect(event).toMatchObject({ kind: 'event', subject: 'test.happened' });
    expect(checkMessage(event.schema, { channelId: id, at: 'now' }).ok).toBe(true);
    expect(checkMessage(event.schema, { channelId: id })).toMatchObject({ ok: false, problems: [{ path: 'at' }] });
  });

  it('names the per-channel control subject', () => {
    expect(Events.channelControl(id).subject).toBe(`channels.control.${id}`);
    expect(checkMessage(Events.channelControl(id).schema, { action: 'explode' }).ok).toBe(false);
  });
});
