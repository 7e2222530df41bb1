/**
 * Runs both ad-platform fakes alone, with one demo account each (used by `npm start` with DEMO=1):
 *   node packages/testkit/dist/fakes/main.js
 * Ports from META_FAKE_PORT / GOOGLE_FAKE_PORT (default 4610 / 4620). Prints the URLs and demo credentials.
 */
import { GoogleAdsFake } from './google-ads.fake';
import { MetaGraphFake } from './meta-graph.fake';

export const DEMO_CREDENTIALS = {
  meta: { accountId: '1010101010', accessToken: 'demo-meta-access-token', appSecret: 'fake-app-secret' },
  /** A second Meta account npm start does not connect: the browser test connects it through the dashboard. */
  metaSpare: { accountId: '1010101020' },
  google: {
    customerId: '2020202020',
    refreshToken: 'demo-google-refresh-token',
    developerToken: 'fake-developer-token',
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
  },
  /** A manager account (MCC) with two clients, not connected by npm start: the connect form discovers them. */
  googleManager: { managerId: '3030303030', clientIds: ['3030303031', '3030303032'] },
} as const;

export async function startDemoFakes(ports: { meta?: number; google?: number } = {}) {
  const meta = new MetaGraphFake();
  meta.addAccount({ id: DEMO_CREDENTIALS.meta.accountId, name: 'Demo Meta account', currency: 'EUR', timezone: 'Europe/Berlin', campaigns: 4, adsPerCampaign: 2 });
  meta.addAccount({ id: DEMO_CREDENTIALS.metaSpare.accountId, name: 'Spare Meta account', currency: 'EUR', timezone: 'Europe/Berlin', campaigns: 2, adsPerCampaign: 1 });
  meta.addToken(DEMO_CREDENTIALS.meta.accessToken);
  const google = new GoogleAdsFake();
  google.addCustomer({ id: DEMO_CREDENTIALS.google.customerId, name: 'Demo Google customer', currency: 'USD', timezone: 'America/New_York', campaigns: 3, adsPerCampaign: 2 });
  google.addRefreshToken(DEMO_CREDENTIALS.google.refreshToken);
  const { managerId, clientIds } = DEMO_CREDENTIALS.googleManager;
  google.addManager({ id: managerId, name: 'Demo manager account', currency: 'USD', timezone: 'America/New_York' });
  google.addCustomer({ id: clientIds[0], name: 'Demo client (EUR)', currency: 'EUR', timezone: 'Europe/Berlin', campaigns: 2, adsPerCampaign: 1 }, { manager: managerId });
  google.addCustomer({ id: clientIds[1], name: 'Demo client (USD)', currency: 'USD', timezone: 'America/New_York', campaigns: 2, adsPerCampaign: 1 }, { manager: managerId });
  await meta.start(ports.meta ?? 4610);
  await google.start(ports.google ?? 4620);
  return { meta, google, close: async () => Promise.all([meta.close(), google.close()]) };
}

if (require.main === module) {
  startDemoFakes({ meta: Number(process.env.META_FAKE_PORT ?? 4610), google: Number(process.env.GOOGLE_FAKE_PORT ?? 4620) })
    .then((fakes) => {
      console.warn(`Graph API fake: ${fakes.meta.url}  Google Ads fake: ${fakes.google.url}`);
      const stop = () => void fakes.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
