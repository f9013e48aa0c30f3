import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { type DatabaseHandle, openDatabase } from './connect.js'
import { migrateToLatest } from './migrate.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle
  }
}

/** Opens the configured database, brings its schema up to date, and closes it with the app. */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const database = openDatabase(config, app.log)
    app.addHook('onClose', () => database.close())
    app.decorate('database', database)
    const { newer } = await migrateToLatest(database.db)
    if (newer.length > 0) {
      // Expected for a while during a rolling upgrade (or after a rollback): migrations only add.
      app.log.warn({ migrations: newer }, 'the database has migrations of a newer release; running on it without them')
    }
  },
  { name: 'database' }
)
