import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { KyselyChangeRequestStore } from './kysely-store.js'
import { changeRequestRoutes } from './routes.js'
import { CHANGE_REQUESTS_PATH, ChangeRequestService } from './service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Pending change requests, for the metrics. */
    changeRequestStats(): Promise<{ count: number; oldestRequestedAt?: string }>
  }
}

/**
 * Four eyes' front door (api.md "Change approvals"): with APPROVALS=production it sets orgs'
 * write gate, so writes of production login settings wait as change requests; the requests are
 * served under /api/v1/change-requests whatever the setting (requests kept from a time it was on
 * can still be decided or withdrawn).
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const store = new KyselyChangeRequestStore(app.database)
    // A change request event wakes the change feed's long polls (here, and elsewhere by NOTIFY).
    const service = new ChangeRequestService(store, app.orgWrites, config.approvals.ttlMs, undefined, (orgId) => app.orgChanges.emit(orgId))
    if (config.approvals.mode === 'production') app.orgWrites.setGate(service.gate())
    app.decorate('changeRequestStats', () => service.pending())
    await app.register(changeRequestRoutes, { prefix: CHANGE_REQUESTS_PATH, service, config })
  },
  { name: 'change-requests', dependencies: ['database', 'access', 'orgs'] }
)
