import SQLite from 'better-sqlite3'
import { Kysely, PostgresAdapter, PostgresQueryCompiler, DummyDriver, PostgresIntrospector, SqliteDialect, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { PreparedQuery } from '../../src/db/prepared-query.js'

interface Tables {
  items: { name: string; size: number; note: string | null; parent: string | null }
}

describe('PreparedQuery', () => {
  it('compiles once and runs with new values in its slots, constants kept, a slot used twice filled twice (real SQLite)', async () => {
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) })
    try {
      await sql`create table items (name text primary key, size integer not null, note text, parent text)`.execute(db)
      const insert = PreparedQuery.of<'name' | 'size'>((slot) =>
        db
          .insertInto('items')
          .values({ name: slot('name') as string, size: slot('size') as number, note: 'constant', parent: sql<string>`(select ${slot('name')} || '-parent')` })
          .returningAll()
      )
      const first = await db.executeQuery(insert.with({ name: 'a', size: 1 }))
      const second = await db.executeQuery(insert.with({ name: 'b', size: 2 }))
      expect(first.rows).toEqual([{ name: 'a', size: 1, note: 'constant', parent: 'a-parent' }])
      expect(second.rows).toEqual([{ name: 'b', size: 2, note: 'constant', parent: 'b-parent' }])
      // The same SQL text each time (the driver's statement cache finds it).
      expect(insert.with({ name: 'c', size: 3 }).sql).toBe(insert.with({ name: 'd', size: 4 }).sql)
    } finally {
      await db.destroy()
    }
  })

  it('numbers its parameters as the dialect does (PostgreSQL: $1, $2 …)', () => {
    const db = new Kysely<Tables>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler()
      }
    })
    const update = PreparedQuery.of<'name' | 'size'>((slot) => db.updateTable('items').set({ size: slot('size') as number }).where('name', '=', slot('name') as string))
    const query = update.with({ name: 'x', size: 7 })
    expect(query.sql).toBe('update "items" set "size" = $1 where "name" = $2')
    expect(query.parameters).toEqual([7, 'x'])
  })
})
