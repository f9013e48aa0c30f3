import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { DatabaseHandle } from '../db/connect.js'
import { Problem, ProblemSchema } from './problems.js'

const READY_TIMEOUT_MS = 2_000
const Status = Type.Object({ status: Type.String() })

/** /healthz: the process answers. /readyz: and its database does, within two seconds. */
export function registerHealthRoutes(app: FastifyInstance, database: DatabaseHandle): void {
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness', tags: ['health'], response: { 200: Status } } },
    async () => ({ status: 'ok' })
  )
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: the database answers', tags: ['health'], response: { 200: Status, 503: ProblemSchema } } },
    async () => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS)
      })
      try {
        await Promise.race([database.ping(), timeout])
      } catch {
        throw new Problem(503, 'service_unavailable', 'The database does not answer', undefined, { 'retry-after': '1' })
      } finally {
        clearTimeout(timer)
      }
      return { status: 'ready' }
    }
  )
}
