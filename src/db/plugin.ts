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
    await migrateToLatest(database.db)
  },
  { name: 'database' }
)
