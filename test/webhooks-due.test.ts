import SQLite from 'better-sqlite3'
import { Kysely, type CompiledQuery, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Database } from '../src/db/connect.js'
import { KyselyWebhookStore } from '../src/webhooks/kysely-store.js'
import { describeEachStore, queryDatabase, type TestApp } from './support/app.js'

/**
 * A disabled endpoint keeps its pending backlog (re-enabling starts from now, but what was queued
 * stays), and only its test events are sent. Finding the next due delivery (after every claim)
 * and claiming a disabled endpoint's test events must not walk that backlog: the database's own
 * plan and counts show what each query reads.
 */

const HOOKS = '/api/v1/webhooks'
const BACKLOG = 5_000
const MINUTE = 60_000

async function register(t: TestApp, url: string, enabled: boolean): Promise<string> {
  const res = await t.request({ method: 'POST', url: HOOKS, payload: { url, enabled } })
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

/** A Kysely on the test's database that remembers every statement it runs. */
function recordingDb(databaseUrl: string) {
  const ran: CompiledQuery[] = []
  const dialect = databaseUrl.startsWith('sqlite:')
    ? new SqliteDialect({ database: new SQLite(databaseUrl.slice('sqlite:'.length)) })
    : new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) })
  const db = new Kysely<Database>({ dialect, log: (event) => void ran.push(event.query) })
  return { db, ran }
}

describeEachStore('webhook deliveries due: a disabled endpoint’s backlog is not walked', (ctx, store) => {
  let disabled: string
  let enabled: string
  const base = Date.now() + 60 * MINUTE // none of it due while the test runs: the app's worker leaves it be
  beforeAll(async () => {
    disabled = await register(ctx(), 'http://127.0.0.1:9/disabled', false)
    enabled = await register(ctx(), 'http://127.0.0.1:9/enabled', true)
    const row = (endpoint: string, event: string, type: string, at: number) =>
      `('${endpoint}', '${event}', '${type}', '{}', 'pending', 0, ${at}, '2026-03-26T10:00:00Z')`
    const values: string[] = []
    // The backlog: due before anything else.
    for (let i = 0; i < BACKLOG; i++) values.push(row(disabled, `backlog-${i}`, 'vipps_org.updated', base + i))
    values.push(row(disabled, 'test-1', 'webhook.test', base + 30 * MINUTE))
    values.push(row(enabled, 'live-1', 'vipps_org.updated', base + 50 * MINUTE))
    for (let i = 0; i < values.length; i += 1_000) {
      await queryDatabase(
        ctx().databaseUrl,
        `insert into webhook_deliveries (endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at) values ${values.slice(i, i + 1_000).join(', ')}`
      )
    }
    await queryDatabase(ctx().databaseUrl, store === 'postgres' ? 'analyze webhook_deliveries' : 'analyze')
  })

  let recording: ReturnType<typeof recordingDb>
  beforeAll(() => {
    recording = recordingDb(ctx().databaseUrl)
  })
  afterAll(async () => recording?.db.destroy())

  /** What a statement reads, by the database's own account: SQLite's plan, PostgreSQL's rows. */
  async function work(query: CompiledQuery): Promise<{ plan: string; rowsRead: number }> {
    if (store === 'sqlite') {
      const rows = await queryDatabase<{ detail: string }>(ctx().databaseUrl, `explain query plan ${query.sql}`, [...query.parameters])
      return { plan: rows.map((r) => r.detail).join('\n'), rowsRead: Number.NaN }
    }
    const rows = await queryDatabase<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      ctx().databaseUrl,
      `explain (analyze, format json) ${query.sql.replace(/\$\d+/g, '?')}`,
      [...query.parameters]
    )
    const plan = rows[0]!['QUERY PLAN'][0]!.Plan
    return { plan: JSON.stringify(plan), rowsRead: rowsRead(plan) }
  }

  it('the next due delivery is the disabled endpoint’s test event or an enabled endpoint’s, found without reading the backlog', async () => {
    const webhooks = new KyselyWebhookStore(recording.db, store)
    recording.ran.length = 0
    expect(await webhooks.nextDue()).toBe(base + 30 * MINUTE)
    const lookups = recording.ran.filter((q) => /webhook_deliveries/.test(q.sql))
    expect(lookups).toHaveLength(1)
    const { plan, rowsRead } = await work(lookups[0]!)
    if (store === 'sqlite') {
      // Each endpoint by its own index: the disabled one's test events by 006's, nothing scanned.
      expect(plan).toMatch(/SEARCH webhook_deliveries USING (COVERING )?INDEX webhook_deliveries_endpoint_due \(endpoint_id=\?\)/)
      expect(plan).toMatch(/SEARCH webhook_deliveries USING (COVERING )?INDEX webhook_deliveries_endpoint_type_due \(endpoint_id=\? AND event_type=\?\)/)
      expect(plan).not.toMatch(/SCAN webhook_deliveries|webhook_deliveries_due\b/)
    } else {
      expect(rowsRead, plan).toBeLessThan(50)
    }
  })

  it('claiming takes the disabled endpoint’s test event alone, without reading the backlog', async () => {
    const webhooks = new KyselyWebhookStore(recording.db, store)
    recording.ran.length = 0
    const now = base + 40 * MINUTE // the backlog and the test event are due; the enabled one is not
    const claimed = await webhooks.claimDue(now, 64, MINUTE, () => 8, new Date(now).toISOString())
    expect(claimed.map((c) => [c.endpoint_id, c.event_id])).toEqual([[disabled, 'test-1']])
    const claims = recording.ran.filter((q) => /webhook_deliveries/.test(q.sql) && q.parameters.includes(disabled))
    expect(claims).toHaveLength(1)
    const { plan, rowsRead } = await work(claims[0]!)
    if (store === 'sqlite') {
      expect(plan).toMatch(/USING (COVERING )?INDEX webhook_deliveries_endpoint_type_due \(endpoint_id=\? AND event_type=\? AND next_attempt_at<\?\)/)
    } else {
      expect(rowsRead, plan).toBeLessThan(50)
    }
    expect(enabled).toBeTruthy()
  })
})

interface PlanNode {
  'Relation Name'?: string
  'Actual Rows'?: number
  'Actual Loops'?: number
  'Rows Removed by Filter'?: number
  Plans?: PlanNode[]
}

/** Rows of webhook_deliveries the plan's nodes read (returned or filtered out), over all loops. */
function rowsRead(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'webhook_deliveries'
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1)
      : 0
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0)
}
