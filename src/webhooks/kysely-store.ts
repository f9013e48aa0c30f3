import { randomUUID } from 'node:crypto'
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import { isoMinus, isoSeconds } from '../clock.js'
import type { Database, Dialect } from '../db/connect.js'
import { TransactionPerWrite, type Writer } from '../db/group-commit.js'
import type { EventType } from '../events/schemas.js'
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  type DeliveryView,
  type EndpointChanges,
  type EndpointRecord,
  type FanOut,
  type NewDelivery,
  TEST_EVENT_TYPE,
  type WebhookStore
} from './store.js'
import type { WebhookEndpointTable, WebhookTables } from './tables.js'

const INSERT_CHUNK = 100

/** The WebhookStore on Kysely: the same queries on SQLite and PostgreSQL, but for the claim's SKIP LOCKED. */
export class KyselyWebhookStore implements WebhookStore {
  private readonly db: Kysely<WebhookTables>
  /** SQLite only: deliveries leased by this process (see leaseInMemory). */
  private readonly leases = new Map<number, { id: string; until: number; endpointId: string }>()
  private turn = 0

  private readonly writer: Writer<Database>

  /**
   * `writer`: where the bookkeeping's transactions (fan-out, records) are made: on SQLite they
   * share commits (and fsyncs) with the API's writes instead of paying one each.
   */
  constructor(
    db: Kysely<Database>,
    private readonly dialect: Dialect,
    writer: Writer<Database> = new TransactionPerWrite(db)
  ) {
    this.db = db.withTables<WebhookTables>()
    this.writer = writer
  }

  private write<T>(work: (trx: Transaction<WebhookTables>) => Promise<T>): Promise<T> {
    return this.writer.write((trx) => work(trx.withTables<WebhookTables>()))
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
    return this.write(async (trx) => {
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

  async fanOut(moves: FanOut[]): Promise<string[]> {
    if (moves.length === 0) return []
    return this.write(async (trx) => {
      const moved: string[] = []
      for (const { endpointId, from, to, deliveries } of moves) {
        const result = await trx
          .updateTable('webhook_endpoints')
          .set({ cursor: to })
          .where('id', '=', endpointId)
          .where('cursor', '=', from)
          .executeTakeFirst()
        if (Number(result.numUpdatedRows) !== 1) continue
        moved.push(endpointId)
        for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('webhook_deliveries')
            .values(deliveries.slice(i, i + INSERT_CHUNK).map(pendingRow))
            .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
            .execute()
        }
      }
      return moved
    })
  }

  async queue(delivery: NewDelivery): Promise<void> {
    await this.db.insertInto('webhook_deliveries').values(pendingRow(delivery)).execute()
  }

  async claimDue(now: number, limit: number, leaseMs: number, slotsOf: (endpointId: string) => number, nowIso: string): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return []
    const leaseId = randomUUID()
    const endpoints = await this.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'url', 'enabled', 'secret', 'previous_secret', 'previous_secret_until'])
      .orderBy('id')
      .execute()
    // Each endpoint's due deliveries by its own index, as many as it has free slots; the first
    // endpoint asked turns round, so none waits behind the others when room is short.
    this.turn = (this.turn + 1) % Math.max(endpoints.length, 1)
    const claimed: ClaimedDelivery[] = []
    for (const endpoint of [...endpoints.slice(this.turn), ...endpoints.slice(0, this.turn)]) {
      const room = Math.min(slotsOf(endpoint.id), limit - claimed.length)
      if (room <= 0) continue
      // A disabled endpoint still gets the test events it is sent.
      const onlyTests = !endpoint.enabled
      const rows =
        this.dialect === 'postgres'
          ? await this.leaseInDatabase(endpoint.id, onlyTests, now, room, leaseMs, leaseId)
          : await this.leaseInMemory(endpoint.id, onlyTests, now, room, leaseMs, leaseId)
      const previousSigns = endpoint.previous_secret !== null && (endpoint.previous_secret_until ?? '') > nowIso
      const secrets = previousSigns ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret]
      for (const row of rows) {
        claimed.push({
          id: Number(row.id),
          lease_id: leaseId,
          endpoint_id: endpoint.id,
          event_id: row.event_id,
          event_type: row.event_type,
          payload: row.payload,
          attempts: Number(row.attempts),
          url: endpoint.url,
          secrets,
          trace_context: row.trace_context
        })
      }
    }
    return claimed
  }

  /**
   * PostgreSQL: several instances claim from one table. The lease is written in the claim itself,
   * and another instance's claim skips the rows this one has locked (FOR UPDATE SKIP LOCKED).
   */
  private async leaseInDatabase(endpointId: string, onlyTests: boolean, now: number, limit: number, leaseMs: number, leaseId: string) {
    const { rows } = await sql<DueRow>`
      update webhook_deliveries set lease_id = ${leaseId}, lease_until = ${now + leaseMs}
      where id in (
        select id from webhook_deliveries
        where endpoint_id = ${endpointId} and status = 'pending' and next_attempt_at <= ${now}
          and (lease_until is null or lease_until < ${now})
          ${onlyTests ? sql`and event_type = ${TEST_EVENT_TYPE}` : sql``}
        order by next_attempt_at
        limit ${limit}
        for update skip locked
      )
      returning id, event_id, event_type, payload, attempts, trace_context
    `.execute(this.db)
    return rows
  }

  /**
   * SQLite: this process is the only one (a second on the same file is not supported), so leases
   * live in memory and a claim writes nothing: no commit, no fsync per claim.
   */
  private async leaseInMemory(endpointId: string, onlyTests: boolean, now: number, limit: number, leaseMs: number, leaseId: string) {
    const leased: number[] = []
    for (const [id, lease] of this.leases) {
      if (lease.until < now) this.leases.delete(id)
      else if (lease.endpointId === endpointId) leased.push(id)
    }
    const { rows } = await sql<DueRow>`
      select id, event_id, event_type, payload, attempts, trace_context from webhook_deliveries
      where endpoint_id = ${endpointId} and status = 'pending' and next_attempt_at <= ${now}
        ${onlyTests ? sql`and event_type = ${TEST_EVENT_TYPE}` : sql``}
        ${leased.length === 0 ? sql`` : sql`and id not in (${sql.join(leased)})`}
      order by next_attempt_at
      limit ${limit}
    `.execute(this.db)
    for (const row of rows) this.leases.set(Number(row.id), { id: leaseId, until: now + leaseMs, endpointId })
    return rows
  }

  async record(outcomes: AttemptOutcome[], failingLimitMs: number): Promise<void> {
    const held = outcomes.filter((outcome) => this.holdsLease(outcome.delivery))
    if (held.length === 0) return
    await this.write(async (trx) => {
      const recorded: AttemptOutcome[] = []
      // Successes (nearly all attempts) in one statement; a retry or a final failure each in its own.
      const succeeded = held.filter((outcome) => outcome.succeeded)
      if (succeeded.length > 0) {
        const finishedAt = succeeded.map((o) => o.attempted_at).sort().at(-1)!
        const ids = await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'succeeded', attempts: sql`attempts + 1`, lease_id: null, lease_until: null, finished_at: finishedAt })
          .where(this.leaseHeld(succeeded))
          .returning('id')
          .execute()
        const updated = new Set(ids.map((row) => Number(row.id)))
        recorded.push(...succeeded.filter((o) => updated.has(o.delivery.id)))
      }
      for (const outcome of held.filter((o) => !o.succeeded)) {
        const finished = outcome.next_attempt_at === undefined
        const result = await trx
          .updateTable('webhook_deliveries')
          .set({
            status: finished ? 'failed' : 'pending',
            attempts: sql`attempts + 1`,
            next_attempt_at: outcome.next_attempt_at ?? Date.parse(outcome.attempted_at),
            lease_id: null,
            lease_until: null,
            finished_at: finished ? outcome.attempted_at : null
          })
          .where(this.leaseHeld([outcome]))
          .executeTakeFirst()
        if (Number(result.numUpdatedRows) === 1) recorded.push(outcome)
      }
      // A delivery whose lease ran out was taken over by another instance: its record stands, not this one.
      for (let i = 0; i < recorded.length; i += INSERT_CHUNK) {
        await trx.insertInto('webhook_attempts').values(recorded.slice(i, i + INSERT_CHUNK).map(attemptRow)).execute()
      }
      await this.recordHealth(trx, recorded, failingLimitMs)
    })
    // Only now, the outcomes committed: a claim made while they were being written must not take
    // these deliveries again (they were still pending and due in the database until the commit).
    this.release(held)
  }

  /** The deliveries, while this process still holds their leases (PostgreSQL: checked in the statement). */
  private leaseHeld(outcomes: AttemptOutcome[]) {
    if (this.dialect !== 'postgres') return sql<boolean>`id in (${sql.join(outcomes.map((o) => o.delivery.id))})`
    return sql<boolean>`(id, lease_id) in (${sql.join(outcomes.map((o) => sql`(${o.delivery.id}, ${o.delivery.lease_id})`))})`
  }

  /** A success ends an endpoint's failing streak; a failure starts one, or disables it after 5 days straight. */
  private async recordHealth(trx: Transaction<WebhookTables>, recorded: AttemptOutcome[], failingLimitMs: number) {
    const lastByEndpoint = new Map<string, AttemptOutcome>()
    for (const outcome of recorded) {
      if (outcome.delivery.event_type !== TEST_EVENT_TYPE) lastByEndpoint.set(outcome.delivery.endpoint_id, outcome)
    }
    for (const [endpointId, outcome] of lastByEndpoint) {
      if (outcome.succeeded) {
        await trx
          .updateTable('webhook_endpoints')
          .set({ failing_since: null })
          .where('id', '=', endpointId)
          .where('failing_since', 'is not', null)
          .execute()
        continue
      }
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: outcome.attempted_at })
        .where('id', '=', endpointId)
        .where('failing_since', 'is', null)
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
  }

  /** SQLite: the lease is this process's own; it ends with the record. (PostgreSQL checks it in the update.) */
  private holdsLease(delivery: ClaimedDelivery): boolean {
    if (this.dialect === 'postgres') return true
    return this.leases.get(delivery.id)?.id === delivery.lease_id
  }

  /** SQLite: drops the in-memory leases of recorded deliveries (PostgreSQL's were cleared in their rows). */
  private release(outcomes: AttemptOutcome[]): void {
    if (this.dialect === 'postgres') return
    for (const { delivery } of outcomes) {
      if (this.leases.get(delivery.id)?.id === delivery.lease_id) this.leases.delete(delivery.id)
    }
  }

  /**
   * The earliest due delivery an endpoint would be sent: an enabled endpoint's first pending one,
   * a disabled endpoint's first pending test event, each looked up by its endpoint's own index (a
   * disabled endpoint's backlog is never walked: its test events are a seek in the index of 006).
   * Each endpoint's id is a value in the statement, not a join: PostgreSQL planned a correlated
   * lookup from the average endpoint and walked the global due index past another endpoint's
   * whole backlog; with the value it plans from that endpoint's own statistics.
   */
  async nextDue(): Promise<number | undefined> {
    const endpoints = await this.db.selectFrom('webhook_endpoints').select(['id', 'enabled']).execute()
    if (endpoints.length === 0) return undefined
    const firsts = endpoints.map(
      ({ id, enabled }) => sql`((
        select next_attempt_at from webhook_deliveries
        where endpoint_id = ${id} and status = 'pending' ${enabled ? sql`` : sql`and event_type = ${TEST_EVENT_TYPE}`}
        order by next_attempt_at
        limit 1
      ))`
    )
    // A VALUES list's one column is column1 on both databases.
    const { rows } = await sql<{ due: number | string | null }>`
      select min(column1) as due from (values ${sql.join(firsts)}) as firsts
    `.execute(this.db)
    const due = rows[0]?.due
    return due === null || due === undefined ? undefined : Number(due)
  }

  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll().as('pending'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    return Number(row.pending)
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

function attemptRow(outcome: AttemptOutcome) {
  const { delivery } = outcome
  return {
    delivery_id: delivery.id,
    endpoint_id: delivery.endpoint_id,
    event_id: delivery.event_id,
    event_type: delivery.event_type,
    attempt: delivery.attempts + 1,
    status: outcome.succeeded ? ('succeeded' as const) : ('failed' as const),
    response_status: outcome.response_status,
    error: outcome.error,
    attempted_at: outcome.attempted_at,
    duration_ms: outcome.duration_ms,
    next_attempt_at: outcome.next_attempt_at === undefined ? null : isoSeconds(outcome.next_attempt_at)
  }
}

interface DueRow {
  id: number | string
  event_id: string
  event_type: string
  payload: string
  attempts: number
  trace_context: string | null
}

function pendingRow(delivery: NewDelivery) {
  return { ...delivery, trace_context: delivery.trace_context ?? null, status: 'pending' as const, attempts: 0, lease_id: null, lease_until: null, finished_at: null }
}

function toRow(endpoint: EndpointRecord) {
  return { ...endpoint, event_types: JSON.stringify(endpoint.event_types), enabled: endpoint.enabled ? 1 : 0 }
}

function toRecord(row: Selectable<WebhookEndpointTable>): EndpointRecord {
  return { ...row, event_types: JSON.parse(row.event_types) as EventType[], enabled: Boolean(row.enabled) }
}
