import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/connect.js'
import type { ActiveKeys, ApiKeyRecord, ApiKeyStore, KeyUse } from './store.js'
import { type ApiKeyTables, toRecord, toRow } from './tables.js'

type Db = Kysely<ApiKeyTables>

async function bumpRevision(trx: Transaction<ApiKeyTables>): Promise<void> {
  await trx
    .updateTable('api_key_revision')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', 1)
    .execute()
}

/** The ApiKeyStore on Kysely: the same queries serve SQLite and PostgreSQL. */
export class KyselyApiKeyStore implements ApiKeyStore {
  private readonly db: Db

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<ApiKeyTables>()
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values(toRow(record)).execute()
      await bumpRevision(trx)
    })
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute()
    return rows.map(toRecord)
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  async revoke(id: string, at: string): Promise<ApiKeyRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const revoked = await trx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
      if (Number(revoked.numUpdatedRows) > 0) await bumpRevision(trx)
      const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toRecord(row)
    })
  }

  async revision(): Promise<number> {
    const row = await this.db.selectFrom('api_key_revision').select('revision').where('id', '=', 1).executeTakeFirst()
    return Number(row?.revision ?? 0)
  }

  async activeKeys(): Promise<ActiveKeys> {
    // The revision first: a change committed in between makes the next poll load again, never miss it.
    const revision = await this.revision()
    const rows = await this.db.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null).execute()
    return { revision, keys: rows.map(toRecord) }
  }

  async recordUses(uses: readonly KeyUse[]): Promise<void> {
    if (uses.length === 0) return
    await this.db.transaction().execute(async (trx) => {
      for (const use of uses) {
        await trx
          .updateTable('api_keys')
          .set({ last_used_at: use.at })
          .where('id', '=', use.id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', use.at)]))
          .execute()
      }
    })
  }
}
