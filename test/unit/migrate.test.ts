import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, type Migration, Migrator, SqliteDialect } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateToLatest } from '../../src/db/migrate.js'
import * as initial from '../../src/db/migrations/001_initial.js'
import * as changeFeed from '../../src/db/migrations/003_change_feed.js'
import * as webhooks from '../../src/db/migrations/004_webhooks.js'

describe('migrateToLatest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-migrate-'))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('applies 002 to a database already at 004 (migrations written out of order)', async () => {
    const file = join(dir, 'at-004.db')
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }) })
    try {
      const before: Record<string, Migration> = { '001_initial': initial, '003_change_feed': changeFeed, '004_webhooks': webhooks }
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()
      expect(error).toBeUndefined()
      await migrateToLatest(db)
      const applied = await db.selectFrom('kysely_migration').select('name').orderBy('name').execute()
      expect(applied.map((m) => m.name)).toEqual(['001_initial', '002_lists_and_notify', '003_change_feed', '004_webhooks', '005_access', '007_sessions'])
      const indexes = await db.selectFrom('sqlite_master' as any).select('name').where('type', '=', 'index').execute()
      expect(indexes.map((i) => i.name)).toContain('vipps_org_configs_live_client_key')
    } finally {
      await db.destroy()
    }
  })
})
