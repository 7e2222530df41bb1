import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NATS_USERS, natsPermissions, natsRoutes, renderNatsUsersConfig } from './nats-permissions';
import { Subjects } from './subjects';

describe('NATS permissions derived from Subjects', () => {
  it('gives every subject an owner: services serve their own prefix, events are listed', () => {
    const routes = natsRoutes();
    expect(routes.find((route) => route.subject === Subjects.channelsList)).toEqual({
      subject: 'channels.list', kind: 'rpc', publishers: ['gateway'], subscribers: ['channels'],
    });
    expect(routes.find((route) => route.subject === 'channels.control.*')).toMatchObject({
      kind: 'event', publishers: ['channels'], subscribers: ['channels-worker'],
    });
    expect(routes.filter((route) => route.subject.endsWith('.health'))).toHaveLength(7);
  });

  it('lets only callers use inboxes and only servers answer', () => {
    const permissions = natsPermissions();
    expect(permissions.gateway.subscribe).toContain('_INBOX.>');
    expect(permissions.channels.subscribe).not.toContain('_INBOX.>');
    expect(permissions.backup).toMatchObject({ publish: ['backup.progress', 'backup.restored', 'logs.records', 'metrics.api'], respond: true });
    expect(permissions.backup.subscribe).toContain('backup.health');
    expect(permissions['channels-worker']).toEqual({
      publish: ['channels.events', 'channels.metrics', 'logs.records'], subscribe: ['_JSACK.>', 'channels.control.*'], respond: false,
    });
    expect(Object.keys(permissions)).toEqual([...NATS_USERS]);
  });

  it('is what nats/users.conf holds (run scripts/nats-permissions.mjs after changing subjects)', () => {
    const committed = readFileSync(path.join(__dirname, '../../../nats/users.conf'), 'utf8');
    expect(committed).toBe(renderNatsUsersConfig());
  });
});
