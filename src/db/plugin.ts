import type { Tracer } from '@opentelemetry/api'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { type DatabaseHandle, openDatabase, sqliteFileOf } from './connect.js'
import { migrateToLatest } from './migrate.js'
import { lockDatabase } from './sqlite-lock.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle
  }
}

/**
 * Opens the configured database, brings its schema up to date, and closes it with the app. A
 * SQLite file is locked for as long as the app runs: a restore refuses meanwhile, and a second
 * server on the file refuses to start (it would serve from caches the first one's writes never
 * reach). Tools and tests may still open it beside the server (openDatabase takes no lock).
 */
export default fp(
  async (app: FastifyInstance, { config, tracer }: { config: Config; tracer?: Tracer }) => {
    const file = sqliteFileOf(config.databaseUrl)
    const lock = file === undefined || file === ':memory:' ? undefined : lockDatabase(file, 'server')
    let database: DatabaseHandle
    try {
      database = openDatabase(config, app.log, tracer)
    } catch (err) {
      lock?.release()
      throw err
    }
    app.addHook('onClose', async () => {
      await database.close()
      lock?.release()
    })
    app.decorate('database', database)
    const { newer } = await migrateToLatest(database.db)
    if (newer.length > 0) {
      // Expected for a while during a rolling upgrade (or after a rollback): migrations only add.
      app.log.warn({ migrations: newer }, 'the database has migrations of a newer release; running on it without them')
    }
  },
  { name: 'database' }
)
