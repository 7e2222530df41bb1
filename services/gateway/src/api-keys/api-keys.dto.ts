// The bodies and queries live in @castline/contracts, where the dashboard's forms and tables use them too.
export { type CreateApiKeyBody, CreateApiKeyBodySchema, type ListApiKeysQuery, ListApiKeysQuerySchema } from '@castline/contracts';
