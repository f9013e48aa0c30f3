import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { validatorCompiler } from '../http/validation.js'
import { startChangeListener } from './cache-invalidation.js'
import { OrgChanges } from './changes.js'
import { KyselyOrgStore } from './kysely-store.js'
import { LiveOrgIndex } from './live-index.js'
import { OrgReadCache } from './read-cache.js'
import { redirectUriShapeError } from './redirect-uri.js'
import { BASE_PATH, orgRoutes } from './routes.js'
import { OrgService } from './service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Committed changes of org configs, from this instance and (PostgreSQL) every other. */
    orgChanges: OrgChanges
  }
}

/**
 * The orgs feature's front door: builds its store, read cache, change listener and service
 * on the app's database, and serves the contract's endpoints under /api/v1/vipps-orgs.
 * Exposes `app.orgChanges` to the features above it.
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const { database } = app
    const cache = new OrgReadCache(config.cache)
    const changes = new OrgChanges()
    const store = new KyselyOrgStore(database.db)
    const listIndex = new LiveOrgIndex(store)
    const service = new OrgService(store, cache, undefined, changes, listIndex)
    app.decorate('orgChanges', changes)
    // On PostgreSQL other instances write too: hear their changes. (SQLite has one writer: this process.)
    // The listener (re)loads the list index whenever it (re)connects.
    if (database.dialect === 'postgres') {
      const targets = [cache, listIndex]
      const listener = await startChangeListener(
        config.databaseUrl,
        {
          invalidate: (orgId) => targets.forEach((t) => t.invalidate(orgId)),
          suspend: () => targets.forEach((t) => t.suspend()),
          resume: () => targets.forEach((t) => t.resume())
        },
        app.log,
        (orgId) => changes.emit(orgId)
      )
      app.addHook('preClose', () => listener.stop())
    } else {
      listIndex.start()
    }
    await listIndex.ready()
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
