import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { orgScopeOf } from '../http/access/principal.js'
import { problemResponses } from '../http/problems.js'
import { jsonResponse } from '../http/responses.js'
import type { ChangeFeed } from './feed.js'
import { EventList, EventsQuery } from './schemas.js'

export const EVENTS_PATH = '/api/v1/events'

export interface EventRoutesOptions {
  feed: ChangeFeed
  /** Aborted when the server closes: long polls answer at once. */
  closing: AbortSignal
}

/**
 * GET /api/v1/events: the change feed. Access like the history (public unless AUTH_READS=true); a
 * grant limited to some orgs reads only their events.
 */
export const eventRoutes: FastifyPluginAsyncTypebox<EventRoutesOptions> = async (app, { feed, closing }) => {
  app.get(
    '/',
    {
      config: { right: 'events:read' },
      schema: {
        operationId: 'listEvents',
        summary: 'The change feed: every committed create, update and delete, in commit order',
        description:
          'Follow it by passing `next_cursor` back as `after`: every change is seen exactly once, with no gaps, ' +
          'however many instances and writers. `wait` holds the request until an event commits on any instance.',
        tags: ['events'],
        querystring: EventsQuery,
        response: { 200: jsonResponse(EventList, 'Events after the cursor (maybe none), and where to go on'), ...problemResponses }
      }
    },
    async (request) => {
      const { after, limit = 100, wait = 0, org_id } = request.query
      const scope = orgScopeOf(request.principal)
      const gone = new AbortController()
      const onClose = () => gone.abort()
      request.raw.once('close', onClose)
      try {
        return await feed.read({
          ...(after !== undefined ? { after } : {}),
          ...(org_id !== undefined ? { orgId: org_id } : {}),
          ...(scope !== null ? { orgIds: scope } : {}),
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
