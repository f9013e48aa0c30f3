import type { Kysely } from 'kysely'

/**
 * Traces (src/http/tracing): a change's event keeps the W3C trace context (`traceparent` text) of
 * the request that made it, and each webhook delivery of it a copy, so a delivery made later or by
 * another instance links to that request. Nullable: null with tracing off, and on the rows an
 * older release writes (which never reads them). Only added.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vipps_org_events').addColumn('trace_context', 'text').execute()
  await db.schema.alterTable('webhook_deliveries').addColumn('trace_context', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').dropColumn('trace_context').execute()
  await db.schema.alterTable('vipps_org_events').dropColumn('trace_context').execute()
}
