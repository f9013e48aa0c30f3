import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { validatorCompiler } from '../http/validation.js'
import { startChangeListener } from './cache-invalidation.js'
import { KyselyOrgStore } from './kysely-store.js'
import { OrgReadCache } from './read-cache.js'
import { redirectUriShapeError } from './redirect-uri.js'
import { BASE_PATH, orgRoutes } from './routes.js'
import { OrgService } from './service.js'

/**
 * The orgs feature's front door: builds its store, read cache, change listener and service
 * on the app's database, and serves the contract's endpoints under /api/v1/vipps-orgs.
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const { database } = app
    const cache = new OrgReadCache(config.cache)
    const service = new OrgService(new KyselyOrgStore(database.db), cache)
    // On PostgreSQL other instances write too: hear their changes. (SQLite has one writer: this process.)
    if (database.dialect === 'postgres') {
      const listener = await startChangeListener(config.databaseUrl, cache, app.log)
      app.addHook('preClose', () => listener.stop())
    }
    await app.register(
      async (scope) => {
        scope.setValidatorCompiler(validatorCompiler({ 'redirect-uri': redirectUriShapeError }))
        await scope.register(orgRoutes, { service, config })
      },
      { prefix: BASE_PATH }
    )
  },
  { name: 'orgs', dependencies: ['database'] }
)
