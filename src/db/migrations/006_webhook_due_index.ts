import { type Kysely, sql } from 'kysely'

/**
 * A disabled endpoint keeps its pending deliveries, but only its test events are sent. Finding its
 * next test event (after every claim) and claiming it walked its whole backlog through the
 * (endpoint_id, next_attempt_at) index of 004, skipping every other event type. With the event type
 * in the key, both are one seek. Only added: an older release ignores it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('webhook_deliveries_endpoint_type_due')
    .ifNotExists()
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'event_type', 'next_attempt_at'])
    .where(sql.ref('status'), '=', 'pending')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_endpoint_type_due').ifExists().execute()
}
