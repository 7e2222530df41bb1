import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes, Rpc } from '@castline/contracts';
import { eventually, type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { type ParsedMail, simpleParser } from 'mailparser';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { AlertEvaluator } from '../src/alerts/evaluator.service';
import { CheckScheduler } from '../src/checks/check-scheduler.service';
import { startMonitoring } from '../src/monitoring-app';

/**
 * Receivers on real Postgres, Redis and NATS: email through a local SMTP server (smtp-server, parsed with
 * mailparser) that answers 451 once, "Send test" to saved and unsaved receivers, update and delete.
 */
const env = { CHECKS_TICK_MS: '0', ALERTS_EVAL_INTERVAL_MS: '0', NGINX_HEALTH_URL: 'off', ALERTS_ALLOWED_TARGETS: '127.0.0.1/32', ALERTS_RETRY_BASE_MS: '30', ALERTS_OUTBOX_SCAN_MS: '200' };
const PASSWORD = 'smtp-password-never-shown';

describe('receivers', () => {
  let monitoring: ServiceHarness;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: ParsedMail[] = [];
  let refuseNext = 1;
  let web: Server;
  let webStatus = 200;
  let webUrl: string;

  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      onAuth: (auth, _session, callback) => callback(auth.password === PASSWORD ? null : new Error('bad password'), { user: auth.username }),
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((mail) => {
          if (refuseNext > 0) {
            refuseNext -= 1;
            const error = new Error('try again later') as Error & { responseCode: number };
            error.responseCode = 451;
            callback(error);
            return;
          }
          mails.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    web = createServer((_request, response) => response.writeHead(webStatus).end(webStatus === 200 ? 'thanks' : 'broken'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/hook`;
    monitoring = await startServiceHarness('monitoring-receivers', startMonitoring, env);
    for (const check of (await monitoring.call(Rpc.checks.list, {})).items) await monitoring.call(Rpc.checks.update, { id: check.id, changes: { enabled: false } });
  });
  afterAll(async () => {
    await monitoring.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    web.close();
  });

  it('emails an alert over the receiver SMTP server, retrying a 451, with a Message-ID from the key', async () => {
    const receiver = await monitoring.call(Rpc.receivers.create, {
      name: 'ops mail',
      kind: 'email',
      config: { host: '127.0.0.1', port: smtpPort, secure: false, username: 'castline', password: PASSWORD, from: 'alerts@castline.test', to: ['ops@castline.test'] },
    });
    expect(receiver).toMatchObject({ kind: 'email', targetHost: `127.0.0.1:${smtpPort}`, signed: false });
    expect(JSON.stringify(await monitoring.call(Rpc.receivers.list, {}))).not.toContain(PASSWORD);
    const db = new Client({ connectionString: monitoring.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ config: string }>('SELECT config FROM alert_receivers WHERE id = $1', [receiver.id]);
    await db.end();
    expect(rows[0]!.config).not.toContain(PASSWORD);

    webStatus = 500;
    await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'shop', target: webUrl, intervalSeconds: 10 });
    const at = new Date(Date.now() + 10_000);
    await monitoring.app.get(CheckScheduler).tick(at);
    await monitoring.app.get(AlertEvaluator).evaluate(at);
    await eventually(async () => (mails.length >= 1 ? true : undefined), 10_000);
    const mail = mails[0]!;
    expect(mail.subject).toBe('[FIRING:1] service DOWN (check=shop)');
    expect(mail.text).toContain('[critical] shop is DOWN: status 500');
    webStatus = 200;
    // The attempt is logged once the SMTP server accepted the mail.
    const items = await eventually(async () => {
      const page = await monitoring.call(Rpc.receivers.deliveries, { id: receiver.id, limit: 5 });
      return page.items[0]?.deliveredAt ? page.items : undefined;
    }, 5_000);
    expect(items[0]!.attempts.map((attempt) => [attempt.outcome, attempt.statusCode])).toEqual([
      ['retrying', 451],
      ['delivered', 250],
    ]);
    expect(mail.messageId).toBe(`<${items[0]!.idempotencyKey}@castline.alerts>`);
    expect(mail.headers.get('idempotency-key')).toBe(items[0]!.idempotencyKey);
  });

  it('sends a test to a saved or an unsaved receiver and shows the reply', async () => {
    const saved = await monitoring.call(Rpc.receivers.create, { name: 'web', kind: 'webhook', config: { url: webUrl } });
    expect(await monitoring.call(Rpc.receivers.test, { id: saved.id })).toMatchObject({ ok: true, statusCode: 200, reply: 'thanks', error: null });
    webStatus = 503;
    expect(await monitoring.call(Rpc.receivers.test, { receiver: { kind: 'discord', config: { url: webUrl } } })).toMatchObject({ ok: false, statusCode: 503, reply: 'broken' });
    webStatus = 200;
    expect(await monitoring.call(Rpc.receivers.test, { receiver: { kind: 'teams', config: { url: webUrl } } })).toMatchObject({ ok: true, statusCode: 200 });
    await expect(monitoring.call(Rpc.receivers.test, { receiver: { kind: 'slack', config: { url: 'http://169.254.169.254/hook' } } })).rejects.toMatchObject({
      code: ErrorCodes.targetForbidden,
      status: 400,
    });
    await expect(monitoring.call(Rpc.receivers.test, { id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: ErrorCodes.notFound, status: 404 });
  });

  it('updates and deletes receivers: 404 unknown, 409 while notifications are being delivered', async () => {
    const receiver = await monitoring.call(Rpc.receivers.create, { name: 'renamed later', kind: 'slack', config: { url: webUrl } });
    expect(await monitoring.call(Rpc.receivers.update, { id: receiver.id, changes: { name: 'slack ops', enabled: false } })).toMatchObject({ name: 'slack ops', enabled: false });
    await expect(monitoring.call(Rpc.receivers.update, { id: receiver.id, changes: { name: 'web' } })).rejects.toMatchObject({ code: ErrorCodes.conflict });
    await expect(monitoring.call(Rpc.receivers.update, { id: receiver.id, changes: { receiver: { kind: 'slack', config: { url: 'http://10.1.2.3/' } } } })).rejects.toMatchObject({
      code: ErrorCodes.targetForbidden,
    });
    expect(await monitoring.call(Rpc.receivers.delete, { id: receiver.id })).toEqual({ deleted: true });
    await expect(monitoring.call(Rpc.receivers.delete, { id: receiver.id })).rejects.toMatchObject({ code: ErrorCodes.notFound, status: 404 });

    // A receiver that keeps failing with 503 has its notification pending: deleting it now would drop it.
    webStatus = 503;
    const failing = await monitoring.call(Rpc.receivers.create, { name: 'flaky web', kind: 'webhook', config: { url: webUrl } });
    await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'shop2', target: `${webUrl}?2`, intervalSeconds: 10 });
    const at = new Date(Date.now() + 60_000);
    await monitoring.app.get(CheckScheduler).tick(at);
    await monitoring.app.get(AlertEvaluator).evaluate(at);
    await eventually(async () => ((await monitoring.call(Rpc.receivers.deliveries, { id: failing.id, limit: 5 })).items[0]?.attempts.length ? true : undefined), 5_000);
    await expect(monitoring.call(Rpc.receivers.delete, { id: failing.id })).rejects.toMatchObject({ code: ErrorCodes.conflict, status: 409 });
    webStatus = 200;
  });
});
