import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, ProblemError, type VippsOrgsClient } from '@vipps-orgs/client'
import { toColumns } from '../src/orgs/tables.js'
import { dropDatabase, newDatabaseUrl } from './support/app.js'
import { type ListeningApp, listenApp } from './support/client-server.js'
import { type Run, runCli } from './support/cli-process.js'

/**
 * `vipps-orgs export` (the CLI as an operator runs it) of 10,000 orgs while writers create and
 * delete other orgs throughout: the list is walked by key (`after=<org_id>`), so the export
 * completes and every org live for the whole export is in it exactly once.
 */

const N = 10_000
const orgId = (i: number) => `exp_${String(i).padStart(5, '0')}`
/** Every seventh seeded org is deleted while the export runs; the others stay live throughout. */
const doomed = (i: number) => i % 7 === 3

function config(id: string) {
  return {
    client_id: `vipps-client-${id}`,
    client_secret_ref: `vault://orgs/${id}/vipps_secret`,
    redirect_uri: 'https://app.example.com/vipps/callback',
    scopes: ['openid'] as 'openid'[],
    environment: 'production' as const,
    vipps_enabled: true
  }
}

/** N orgs written straight into a migrated SQLite file in one transaction (the API would take a minute). */
function seed(path: string): void {
  const db = new SQLite(path)
  try {
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const insertConfig = db.prepare(
      `insert into vipps_org_configs (org_id, client_id, client_secret_ref, redirect_uri, scopes, environment, vipps_enabled, version, created_at, updated_at)
       values (@org_id, @client_id, @client_secret_ref, @redirect_uri, @scopes, @environment, @vipps_enabled, 1, @at, @at)`
    )
    const insertEvent = db.prepare(`insert into vipps_org_events (org_id, version, action, at, actor, changes) values (?, 1, 'create', ?, 'seed', ?)`)
    db.transaction(() => {
      for (let i = 0; i < N; i++) {
        const fields = config(orgId(i))
        insertConfig.run({ org_id: orgId(i), ...toColumns(fields), at })
        const changes = Object.fromEntries(Object.entries(fields).map(([field, to]) => [field, { from: null, to }]))
        insertEvent.run(orgId(i), at, JSON.stringify(changes))
      }
    })()
  } finally {
    db.close()
  }
}

/** `vipps-orgs export` as a user runs it (no token: the test service takes writes and reads openly). */
function exportWithCli(base: string): Promise<Run> {
  return runCli(base, ['export'], { token: null })
}

describe('vipps-orgs export while other orgs are created and deleted', () => {
  let server: ListeningApp
  let databaseUrl: string
  let admin: VippsOrgsClient
  beforeAll(async () => {
    databaseUrl = await newDatabaseUrl('sqlite')
    await (await listenApp('sqlite', {}, databaseUrl)).close() // migrations
    seed(databaseUrl.slice('sqlite:'.length))
    server = await listenApp('sqlite', {}, databaseUrl)
    admin = createClient({ baseUrl: server.base })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await dropDatabase(databaseUrl)
  })

  it('completes, and every org live for the whole export appears exactly once', async () => {
    let exporting = true
    const created: string[] = []
    const deleted = new Set<string>()
    const writes: Promise<void>[] = []
    // Two writers for as long as the export runs: one creates orgs between the seeded ones (and
    // after them), one deletes every seventh seeded org, in an order unlike the walk's. Each
    // pauses a little between writes (a SQLite commit holds the server's one thread for its fsync).
    const pause = () => new Promise((resolve) => setTimeout(resolve, 30))
    writes.push(
      (async () => {
        for (let i = 0; exporting; i++) {
          const id = `${orgId((i * 37) % N)}_new${i}`
          await admin.createOrg({ org_id: id, ...config(id) })
          created.push(id)
          await pause()
        }
      })()
    )
    writes.push(
      (async () => {
        const victims = Array.from({ length: N }, (_, i) => i).filter(doomed)
        for (let k = 0; exporting && k < victims.length; k++) {
          const id = orgId(victims[(k * 101) % victims.length]!)
          if (deleted.has(id)) continue
          try {
            await admin.deleteOrg(id)
          } catch (err) {
            if (!(err instanceof ProblemError && err.status === 404)) throw err
          }
          deleted.add(id)
          await pause()
        }
      })()
    )
    const result = await exportWithCli(server.base).finally(() => (exporting = false))
    await Promise.all(writes)

    expect(result.code, result.stderr).toBe(0)
    // The writers really wrote while the export ran.
    expect(created.length).toBeGreaterThan(20)
    expect(deleted.size).toBeGreaterThan(20)
    const exported = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { org_id: string; client_id: string })
    const ids = exported.map((o) => o.org_id)
    console.log(`exported ${ids.length} orgs while ${created.length} were created and ${deleted.size} deleted`)
    expect(new Set(ids).size).toBe(ids.length) // none twice
    expect(ids).toEqual([...ids].sort()) // sorted by org_id
    const liveThroughout = Array.from({ length: N }, (_, i) => i)
      .filter((i) => !doomed(i) || !deleted.has(orgId(i)))
      .map(orgId)
    const exportedSet = new Set(ids)
    expect(liveThroughout.filter((id) => !exportedSet.has(id))).toEqual([]) // none missed
    // Everything else exported is an org that was live at some moment of the export.
    const sometimeLive = new Set([...liveThroughout, ...deleted, ...created])
    expect(ids.filter((id) => !sometimeLive.has(id))).toEqual([])
    expect(exported.find((o) => o.org_id === orgId(1))).toMatchObject({ client_id: `vipps-client-${orgId(1)}` })
  }, 120_000)
})
