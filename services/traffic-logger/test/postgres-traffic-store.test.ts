import { createTestDatabase, type TestDatabase } from '@castline/testkit';
import { PostgresTrafficStore } from '../src/store/postgres-traffic-store';
import { describeTrafficStoreContract } from './store-contract';

let database: TestDatabase;

afterAll(() => database?.drop());

describeTrafficStoreContract('PostgresTrafficStore', async () => {
  database = await createTestDatabase('traffic-store');
  return new PostgresTrafficStore(database.url);
});
