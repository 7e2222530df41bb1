import { createDashboardServer } from './server';

/** Browsers keep connections alive; after this long they are cut so shutdown cannot hang. */
const SHUTDOWN_GRACE_MS = 5_000;

/** One JSON line per event, shaped like the services' pino logs so log tooling reads both alike. */
function log(level: 'info' | 'error', msg: string): void {
  const line = JSON.stringify({ level: level === 'info' ? 30 : 50, time: new Date().toISOString(), service: 'dashboard', pid: process.pid, msg });
  process.stdout.write(`${line}\n`);
}

const port = Number(process.env.PORT || 3001);
const host = process.env.HOST || '127.0.0.1';
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`Invalid configuration for dashboard:\n  - PORT: expected a port number, got "${process.env.PORT}"`);
  process.exit(1);
}

const server = createDashboardServer();
server.on('error', (error) => {
  log('error', `cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
server.listen(port, host, () => log('info', `dashboard listening on http://${host}:${port}`));

function shutdown(signal: NodeJS.Signals): void {
  log('info', `${signal} received, closing`);
  server.close(() => process.exit(0));
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
}

process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
