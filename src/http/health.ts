import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import Type from 'typebox'
import { problemResponse, problemResponses, problems } from './problems.js'
import { jsonResponse } from './responses.js'

const READY_TIMEOUT_MS = 2_000
const Status = Type.Object({ status: Type.String() }, { title: 'HealthStatus' })
const open = [{}]

/**
 * /healthz: the process answers. /readyz: and its database does, within two seconds. (Before the
 * app is loaded the server answers both itself: src/http/startup.ts.)
 */
export const healthRoutes = fp(
  async (app: FastifyInstance) => {
    const { database } = app
    app.get(
      '/healthz',
      {
        schema: {
          operationId: 'getHealth',
          summary: 'Liveness: the process answers',
          tags: ['health'],
          security: open,
          response: { 200: jsonResponse(Status, 'The process answers'), ...problemResponses }
        }
      },
      async () => ({ status: 'ok' })
    )
    app.get(
      '/readyz',
      {
        schema: {
          operationId: 'getReadiness',
          summary: 'Readiness: the database answers',
          tags: ['health'],
          security: open,
          response: {
            200: jsonResponse(Status, 'The database answers'),
            ...problemResponses,
            503: problemResponse('The database does not answer, or the service is still starting (then `loading` lists what it is still loading)')
          }
        }
      },
      async () => {
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS)
        })
        try {
          await Promise.race([database.ping(), timeout])
        } catch {
          throw problems.unavailable('The database does not answer')
        } finally {
          clearTimeout(timer)
        }
        return { status: 'ready' }
      }
    )
  },
  { name: 'health', dependencies: ['database'] }
)
