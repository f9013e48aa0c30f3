import { randomUUID } from 'node:crypto'
import { type Kysely, type Selectable, sql } from 'kysely'
import { isoMinus, isoSeconds } from '../clock.js'
import type { Database, Dialect } from '../db/connect.js'
import type { EventType } from '../events/schemas.js'
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  type DeliveryView,
  type EndpointChanges,
  type EndpointRecord,
  type NewDelivery,
  TEST_EVENT_TYPE,
  type WebhookStore
} from './store.js'
import type { WebhookEndpointTable, WebhookTables } from './tables.js'

const INSERT_CHUNK = 100

/** The WebhookStore on Kysely: the same queries on SQLite and PostgreSQL, but for the claim's SKIP LOCKED. */
export class KyselyWebhookStore implements WebhookStore {
  private readonly db: Kysely<WebhookTables>

  constructor(
    db: Kysely<Database>,
    private readonly dialect: Dialect
  ) {
    this.db = db.withTables<WebhookTables>()
  }

  async createEndpoint(endpoint: EndpointRecord): Promise<void> {
    await this.db.insertInto('webhook_endpoints').values(toRow(endpoint)).execute()
  }

  async listEndpoints(): Promise<EndpointRecord[]> {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute()
    return rows.map(toRecord)
  }

  async findEndpoint(id: string): Promise<EndpointRecord | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  async updateEndpoint(id: string, changes: EndpointChanges, at: string): Promise<EndpointRecord | undefined> {
    const { event_types, enabled, ...rest } = changes
    const row = await this.db
      .updateTable('webhook_endpoints')
      .set({
        ...rest,
        ...(event_types === undefined ? {} : { event_types: JSON.stringify(event_types) }),
        ...(enabled === undefined ? {} : { enabled: enabled ? 1 : 0 }),
        updated_at: at
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    return row && toRecord(row)
  }

  async deleteEndpoint(id: string, at: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) return false
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', finished_at: at, lease_id: null, lease_until: null })
        .where('endpoint_id', '=', id)
        .where('status', '=', 'pending')
        .execute()
      return true
    })
  }

  async rotateSecret(id: string, secret: string, previous: string, previousUntil: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_endpoints')
      .set({ secret, previous_secret: previous, previous_secret_until: previousUntil, updated_at: at })
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async fanOut(endpointId: string, from: string, to: string, deliveries: NewDelivery[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('webhook_endpoints')
        .set({ cursor: to })
        .where('id', '=', endpointId)
        .where('cursor', '=', from)
        .executeTakeFirst()
      if (Number(moved.numUpdatedRows) !== 1) return false
      for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('webhook_deliveries')
          .values(deliveries.slice(i, i + INSERT_CHUNK).map(pendingRow))
          .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
          .execute()
      }
      return true
    })
  }

  async queue(delivery: NewDelivery): Promise<void> {
    await this.db.insertInto('webhook_deliveries').values(pendingRow(delivery)).execute()
  }

  async claimDue(now: number, limit: number, leaseMs: number, busyEndpoints: string[], nowIso: string): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return []
    const leaseId = randomUUID()
    const notBusy = busyEndpoints.length === 0 ? sql`` : sql`and d.endpoint_id not in (${sql.join(busyEndpoints)})`
    // Another instance's claim skips the rows this one has locked, and the other way round.
    const skipLocked = this.dialect === 'postgres' ? sql`for update of d skip locked` : sql``
    const { rows } = await sql<{ id: number | string; endpoint_id: string; event_id: string; event_type: string; payload: string; attempts: number }>`
      update webhook_deliveries set lease_id = ${leaseId}, lease_until = ${now + leaseMs}
      where id in (
        select d.id from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
        where d.status = 'pending' and d.next_attempt_at <= ${now}
          and (d.lease_until is null or d.lease_until < ${now})
          and (e.enabled = ${this.dialect === 'postgres' ? sql`true` : sql`1`} or d.event_type = ${TEST_EVENT_TYPE})
          ${notBusy}
        order by d.next_attempt_at
        limit ${limit}
        ${skipLocked}
      )
      returning id, endpoint_id, event_id, event_type, payload, attempts
    `.execute(this.db)
    if (rows.length === 0) return []
    const endpoints = await this.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'url', 'secret', 'previous_secret', 'previous_secret_until'])
      .where('id', 'in', [...new Set(rows.map((row) => row.endpoint_id))])
      .execute()
    const byId = new Map(endpoints.map((e) => [e.id, e]))
    return rows.flatMap((row) => {
      const endpoint = byId.get(row.endpoint_id)
      if (!endpoint) return []
      const previousSigns = endpoint.previous_secret !== null && (endpoint.previous_secret_until ?? '') > nowIso
      return [
        {
          id: Number(row.id),
          lease_id: leaseId,
          endpoint_id: row.endpoint_id,
          event_id: row.event_id,
          event_type: row.event_type,
          payload: row.payload,
          attempts: Number(row.attempts),
          url: endpoint.url,
          secrets: previousSigns ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret]
        }
      ]
    })
  }

  async record(outcomes: AttemptOutcome[], failingLimitMs: number): Promise<void> {
    if (outcomes.length === 0) return
    await this.db.transaction().execute(async (trx) => {
      const lastByEndpoint = new Map<string, AttemptOutcome>()
      for (const outcome of outcomes) {
        const { delivery } = outcome
        const attempt = delivery.attempts + 1
        const finished = outcome.succeeded || outcome.next_attempt_at === undefined
        const updated = await trx
          .updateTable('webhook_deliveries')
          .set({
            status: outcome.succeeded ? 'succeeded' : finished ? 'failed' : 'pending',
            attempts: attempt,
            next_attempt_at: outcome.next_attempt_at ?? Date.parse(outcome.attempted_at),
            lease_id: null,
            lease_until: null,
            finished_at: finished ? outcome.attempted_at : null
          })
          .where('id', '=', delivery.id)
          .where('lease_id', '=', delivery.lease_id)
          .executeTakeFirst()
        // The lease ran out and another instance took the delivery over: its record stands.
        if (Number(updated.numUpdatedRows) !== 1) continue
        await trx
          .insertInto('webhook_attempts')
          .values({
            delivery_id: delivery.id,
            endpoint_id: delivery.endpoint_id,
            event_id: delivery.event_id,
            event_type: delivery.event_type,
            attempt,
            status: outcome.succeeded ? 'succeeded' : 'failed',
            response_status: outcome.response_status,
            error: outcome.error,
            attempted_at: outcome.attempted_at,
            duration_ms: outcome.duration_ms,
            next_attempt_at: outcome.next_attempt_at === undefined ? null : isoSeconds(outcome.next_attempt_at)
          })
          .execute()
        if (delivery.event_type !== TEST_EVENT_TYPE) lastByEndpoint.set(delivery.endpoint_id, outcome)
      }
      for (const [endpointId, outcome] of lastByEndpoint) {
        if (outcome.succeeded) {
          await trx.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', endpointId).execute()
          continue
        }
        await trx
          .updateTable('webhook_endpoints')
          .set({ failing_since: sql`coalesce(failing_since, ${outcome.attempted_at})` })
          .where('id', '=', endpointId)
          .execute()
        await trx
          .updateTable('webhook_endpoints')
          .set({
            enabled: 0,
            disabled_reason: sql`${'Disabled after failing for 5 days straight, since '} || failing_since || ${`; last error: ${outcome.error ?? 'unknown'}`}`,
            updated_at: outcome.attempted_at
          })
          .where('id', '=', endpointId)
          .where('failing_since', '<=', isoMinus(outcome.attempted_at, failingLimitMs))
          .execute()
      }
    })
  }

  async nextDue(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select((eb) => eb.fn.min('d.next_attempt_at').as('due'))
      .where('d.status', '=', 'pending')
      .where((eb) => eb.or([eb('e.enabled', '=', this.dialect === 'postgres' ? (true as never) : 1), eb('d.event_type', '=', TEST_EVENT_TYPE)]))
      .executeTakeFirst()
    return row?.due === null || row?.due === undefined ? undefined : Number(row.due)
  }

  async deliveries(endpointId: string, limit: number): Promise<DeliveryView[]> {
    const pending = await this.db
      .selectFrom('webhook_deliveries')
      .select(['event_id', 'event_type', 'attempts', 'next_attempt_at'])
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'pending')
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute()
    const made = await this.db
      .selectFrom('webhook_attempts')
      .select(['event_id', 'event_type', 'attempt', 'status', 'response_status', 'error', 'attempted_at', 'next_attempt_at'])
      .where('endpoint_id', '=', endpointId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    const upcoming: DeliveryView[] = pending.map((row) => ({
      event_id: row.event_id,
      event_type: row.event_type,
      attempt: Number(row.attempts) + 1,
      status: 'pending',
      response_status: null,
      error: null,
      attempted_at: null,
      next_attempt_at: isoSeconds(Number(row.next_attempt_at))
    }))
    const past: DeliveryView[] = made.map((row) => ({
      ...row,
      attempt: Number(row.attempt),
      response_status: row.response_status === null ? null : Number(row.response_status)
    }))
    return [...upcoming, ...past].slice(0, limit)
  }

  async purge(before: string): Promise<void> {
    await this.db.deleteFrom('webhook_attempts').where('attempted_at', '<', before).execute()
    await this.db.deleteFrom('webhook_deliveries').where('finished_at', '<', before).execute()
  }
}

function pendingRow(delivery: NewDelivery) {
  return { ...delivery, status: 'pending' as const, attempts: 0, lease_id: null, lease_until: null, finished_at: null }
}

function toRow(endpoint: EndpointRecord) {
  return { ...endpoint, event_types: JSON.stringify(endpoint.event_types), enabled: endpoint.enabled ? 1 : 0 }
}

function toRecord(row: Selectable<WebhookEndpointTable>): EndpointRecord {
  return { ...row, event_types: JSON.parse(row.event_types) as EventType[], enabled: Boolean(row.enabled) }
}
