import { setFlagsFromString, getHeapStatistics } from 'node:v8'
import { runInNewContext } from 'node:vm'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type VippsOrgsClient } from '@vipps-orgs/client'
import { toColumns } from '../src/orgs/tables.js'
import { dropDatabase, newDatabaseUrl } from './support/app.js'
import { type ListeningApp, listenApp } from './support/client-server.js'

/**
 * The client's status cache stays bounded whatever the feed names: a watcher reads a feed of
 * 100,000 distinct orgs (written straight into the database: the API would take minutes), and the
 * heap the client keeps afterwards is measured (after a full garbage collection) against the heap
 * before. Keeping anything per org the feed ever named would hold megabytes.
 */

const FEED_ORGS = 100_000
/** Orgs that also exist (and are read through the cache): twice the cache's room. */
const LIVE = 2_000
const CACHE_SIZE = 1_000
const orgId = (i: number) => `feed_${String(i).padStart(6, '0')}`

function seed(path: string): void {
  const db = new SQLite(path)
  try {
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const insertConfig = db.prepare(
      `insert into vipps_org_configs (org_id, client_id, client_secret_ref, redirect_uri, scopes, environment, vipps_enabled, version, created_at, updated_at)
       values (@org_id, @client_id, @client_secret_ref, @redirect_uri, @scopes, @environment, @vipps_enabled, 1, @at, @at)`
    )
    const insertEvent = db.prepare(`insert into vipps_org_events (org_id, version, action, at, actor, changes) values (?, 1, 'create', ?, 'seed', '{}')`)
    db.transaction(() => {
      for (let i = 0; i < FEED_ORGS; i++) {
        if (i < LIVE) {
          const fields = {
            client_id: `vipps-client-${i}`,
            client_secret_ref: `vault://orgs/${orgId(i)}/vipps_secret`,
            redirect_uri: 'myapp://vipps-callback',
            scopes: ['openid' as const],
            environment: 'test' as const,
            vipps_enabled: true
          }
          insertConfig.run({ org_id: orgId(i), ...toColumns(fields), at })
        }
        insertEvent.run(orgId(i), at)
      }
    })()
  } finally {
    db.close()
  }
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc()
  return getHeapStatistics().used_heap_size
}

describe('the client status cache, fed by a change feed of 100,000 distinct orgs', () => {
  let server: ListeningApp
  let databaseUrl: string
  beforeAll(async () => {
    databaseUrl = await newDatabaseUrl('sqlite')
    await (await listenApp('sqlite', {}, databaseUrl)).close() // migrations
    seed(databaseUrl.slice('sqlite:'.length))
    server = await listenApp('sqlite', {}, databaseUrl)
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await dropDatabase(databaseUrl)
  })

  it('keeps no memory per org the feed named: the heap after the feed is what it was before', async () => {
    const client: VippsOrgsClient = createClient({ baseUrl: server.base, statusCacheSize: CACHE_SIZE, statusMaxAgeMs: 3_600_000 })
    // The cache full (twice its room read), and the client's code warmed up, before the first measure.
    for (let i = 0; i < LIVE; i++) await client.getStatus(orgId(i))
    const before = heapAfterGc()

    let seen = 0
    const watcher = client.watch({ after: 'start', waitSeconds: 1, onEvent: () => void seen++ })
    try {
      while (seen < FEED_ORGS) await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      await watcher.stop()
    }
    // Every status was dropped as its org passed in the feed; read again, they fill the room as before.
    for (let i = LIVE - CACHE_SIZE; i < LIVE; i++) await client.getStatus(orgId(i))
    const grown = heapAfterGc() - before

    console.log(`client heap after a feed of ${FEED_ORGS} distinct orgs: ${(grown / 1e6).toFixed(2)} MB more than before`)
    // 100,000 org ids kept (a map entry and a string each) measured 5.9 MB; the heap's own noise
    // between two measures here is about ±1 MB.
    expect(grown).toBeLessThan(3_000_000)
  }, 120_000)
})
