import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import { requireAccess, securityOf } from '../http/auth.js'
import { problemResponses } from '../http/problems.js'
import { jsonResponse } from '../http/responses.js'
import type { ChangeFeed } from './feed.js'
import { EventList, EventsQuery } from './schemas.js'

export const EVENTS_PATH = '/api/v1/events'

export interface EventRoutesOptions {
  feed: ChangeFeed
  config: Config
  /** Aborted when the server closes: long polls answer at once. */
  closing: AbortSignal
}

/** GET /api/v1/events: the change feed. Access like the history (public unless AUTH_READS=true). */
export const eventRoutes: FastifyPluginAsyncTypebox<EventRoutesOptions> = async (app, { feed, config, closing }) => {
  app.get(
    '/',
    {
      onRequest: requireAccess(config, 'read'),
      schema: {
        operationId: 'listEvents',
        summary: 'The change feed: every committed create, update and delete, in commit order',
        description:
          'Follow it by passing `next_cursor` back as `after`: every change is seen exactly once, with no gaps, ' +
          'however many instances and writers. `wait` holds the request until an event commits on any instance.',
        tags: ['events'],
        security: securityOf(config, 'read'),
        querystring: EventsQuery,
        response: { 200: jsonResponse(EventList, 'Events after the cursor (maybe none), and where to go on'), ...problemResponses }
      }
    },
    async (request) => {
      const { after, limit = 100, wait = 0, org_id } = request.query
      const gone = new AbortController()
      const onClose = () => gone.abort()
      request.raw.once('close', onClose)
      try {
        return await feed.read({
          ...(after !== undefined ? { after } : {}),
          ...(org_id !== undefined ? { orgId: org_id } : {}),
          limit,
          waitMs: wait * 1000,
          signal: AbortSignal.any([gone.signal, closing])
        })
      } finally {
        request.raw.off('close', onClose)
      }
    }
  )
}
