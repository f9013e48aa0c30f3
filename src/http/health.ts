import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import Type from 'typebox'
import { problemResponse, problems } from './problems.js'

const READY_TIMEOUT_MS = 2_000
const Status = Type.Object({ status: Type.String() })

/** /healthz: the process answers. /readyz: and its database does, within two seconds. */
export const healthRoutes = fp(
  async (app: FastifyInstance) => {
    const { database } = app
    app.get(
      '/healthz',
      { schema: { summary: 'Liveness', tags: ['health'], response: { 200: Status } } },
      async () => ({ status: 'ok' })
    )
    app.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: the database answers',
          tags: ['health'],
          response: { 200: Status, 503: problemResponse('The database does not answer') }
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
