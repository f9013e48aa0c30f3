import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../problems.js'
import { jsonResponse } from '../responses.js'
import { ActorSchema, RoleSchema } from './principal.js'

const nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const Me = Type.Object(
  {
    actor: ActorSchema,
    role: nullable(RoleSchema),
    org_ids: nullable(Type.Array(Type.String(), { description: 'The orgs the grant is limited to; null: every org' })),
    expires_at: nullable(Type.String({ format: 'date-time', description: 'When the credential or session ends (RFC 3339 UTC); null: never' })),
    csrf_token: Type.Optional(Type.String({ description: 'Sessions only: send it as X-CSRF-Token with every POST, PUT and DELETE' }))
  },
  { title: 'Me', description: 'Who the request acts as, and its grant' }
)

export const ME_PATH = '/api/v1/me'

/** GET /api/v1/me: who the credential is (any credential, or none in the open mode). */
export async function meRoute(app: FastifyInstance): Promise<void> {
  app.get(
    ME_PATH,
    {
      config: { right: 'authenticated' },
      schema: {
        operationId: 'getMe',
        summary: 'Who the request acts as: actor, role, the orgs it is limited to, when it ends',
        tags: ['access'],
        response: { 200: jsonResponse(Me, 'The principal of this request'), ...problemResponses }
      }
    },
    async (request) => {
      const { actor, grant, expiresAt, csrfToken } = request.principal
      return {
        actor,
        role: grant?.role ?? null,
        org_ids: grant?.orgIds ? [...grant.orgIds] : null,
        expires_at: expiresAt,
        ...(csrfToken === undefined ? {} : { csrf_token: csrfToken })
      }
    }
  )
}
