import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, type KyselyPlugin, type Migration, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { knownMigrationNames, migrateToLatest } from '../../src/db/migrate.js'
import * as initial from '../../src/db/migrations/001_initial.js'
import * as changeFeed from '../../src/db/migrations/003_change_feed.js'
import * as webhooks from '../../src/db/migrations/004_webhooks.js'
import { BASE, createOrg, dropDatabase, newDatabaseUrl, startApp, storeNames } from '../support/app.js'

describe('migrateToLatest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-migrate-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('applies 002 to a database already at 004 (migrations written out of order)', async () => {
    const file = join(dir, 'at-004.db')
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }) })
    try {
      const before: Record<string, Migration> = { '001_initial': initial, '003_change_feed': changeFeed, '004_webhooks': webhooks }
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()
      expect(error).toBeUndefined()
      await migrateToLatest(db)
      const applied = await db.selectFrom('kysely_migration').select('name').orderBy('name').execute()
      expect(applied.map((m) => m.name)).toEqual(['001_initial', '002_lists_and_notify', '003_change_feed', '004_webhooks', '005_access', '006_webhook_due_index', '007_sessions', '008_trace_context', '009_change_requests'])
      const indexes = await db.selectFrom('sqlite_master' as any).select('name').where('type', '=', 'index').execute()
      expect(indexes.map((i) => i.name)).toContain('vipps_org_configs_live_client_key')
    } finally {
      await db.destroy()
    }
  })

  it('reads again when a newer instance migrates between its first look and the lock', async () => {
    const file = join(dir, 'race.db')
    const other = new SQLite(file)
    let interfered = false
    // Plays the newer instance: right after this release has read the executed migrations (the
    // only query that selects `name` alone), another connection records a migration it does not know.
    const newerInstance: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async ({ result }) => {
        const [row] = result.rows as Record<string, unknown>[]
        if (!interfered && row && Object.keys(row).join() === 'name') {
          interfered = true
          other.prepare(`insert into kysely_migration (name, timestamp) values ('999_from_the_race', ?)`).run(new Date().toISOString())
        }
        return result
      }
    }
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }), plugins: [newerInstance] })
    try {
      await new Migrator({ db, provider: { getMigrations: async () => ({ '001_initial': initial }) } }).migrateToLatest()
      const outcome = await migrateToLatest(db)
      expect(interfered).toBe(true)
      expect(outcome.newer).toEqual(['999_from_the_race'])
    } finally {
      await db.destroy()
      other.close()
    }
  })
})

/**
 * A rolling upgrade: a newer release migrated the database (here a migration this release does not
 * know, adding a table and a nullable column as migrations do); this release must start, apply
 * nothing backwards, and serve.
 */
for (const store of storeNames()) {
  describe(`a release on a database a newer release migrated [${store}]`, () => {
    const urls: string[] = []
    afterEach(async () => {
      for (const url of urls.splice(0)) await dropDatabase(url)
    })

    it('starts, keeps what the newer release added, and serves reads and writes', async () => {
      const url = await newDatabaseUrl(store)
      urls.push(url)
      const db = kyselyOn(url)
      try {
        const first = await migrateToLatest(db)
        expect(first).toEqual({ applied: knownMigrationNames(), newer: [] })
        const future: Migration = {
          up: async (d) => {
            await d.schema.createTable('future_things').addColumn('id', 'text', (c) => c.primaryKey()).execute()
            await d.schema.alterTable('vipps_org_configs').addColumn('future_note', 'text').execute()
          }
        }
        const newer = new Migrator({
          db,
          provider: { getMigrations: async () => ({ ...Object.fromEntries(knownMigrationNames().map((n) => [n, initial])), '999_future': future }) },
          allowUnorderedMigrations: true
        })
        const { error } = await newer.migrateToLatest()
        expect(error).toBeUndefined()

        // Plain Kysely refuses this database, which is what stopped old instances before.
        const plain = await new Migrator({ db, provider: { getMigrations: async () => ({ '001_initial': initial }) } }).migrateToLatest()
        expect(String(plain.error)).toMatch(/previously executed migration .* is missing/)

        expect(await migrateToLatest(db)).toEqual({ applied: [], newer: ['999_future'] })
        const names = await db.selectFrom('kysely_migration').select('name').execute()
        expect(names.map((r) => r.name).sort()).toEqual([...knownMigrationNames(), '999_future'])
        await sql`select id from future_things`.execute(db)
      } finally {
        await db.destroy()
      }

      const app = await startApp(store, {}, url)
      try {
        await createOrg(app, 'org_rolling_upgrade')
        const res = await app.request({ method: 'GET', url: `${BASE}/org_rolling_upgrade` })
        expect(res.statusCode).toBe(200)
      } finally {
        await app.close()
      }
    })
  })
}

function kyselyOn(url: string): Kysely<any> {
  return url.startsWith('sqlite:')
    ? new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(url.slice('sqlite:'.length)) }) })
    : new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) })
}
