// The query lives in @castline/contracts, where the dashboard's audit table uses it too.
export { type ListAuditQuery, ListAuditQuerySchema } from '@castline/contracts';
