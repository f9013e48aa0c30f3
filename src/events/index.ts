import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ChangeFeed } from './feed.js'
import { feedStoreFor } from './feed-store.js'
import { EVENTS_PATH, eventRoutes } from './routes.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The change feed, for the features above it (webhooks). */
    changeFeed: ChangeFeed
  }
}

/**
 * The events feature's front door: the change feed at /api/v1/events, read from the orgs'
 * change log in commit order, woken by orgs' change notifications.
 */
export default fp(
  async (app: FastifyInstance) => {
    const store = feedStoreFor(app.database)
    await store.ensureCanContinue()
    const feed = new ChangeFeed(store, app.orgChanges)
    const closing = new AbortController()
    app.addHook('preClose', async () => closing.abort())
    app.decorate('changeFeed', feed)
    await app.register(eventRoutes, { prefix: EVENTS_PATH, feed, closing: closing.signal })
  },
  { name: 'events', dependencies: ['database', 'orgs'] }
)
