import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { authenticate } from '../http/auth.js'
import { etagOf, ifMatchPrecondition, noneMatchHits } from '../http/etag.js'
import { Problem, ProblemSchema } from '../http/problems.js'
import {
  CreatedOrgResponse,
  CreateOrgBody,
  DeletedOrgResponse,
  HistoryResponse,
  ListOrgsQuery,
  ListOrgsResponse,
  OrgConfigResponse,
  OrgIdParams,
  OrgStatusResponse,
  PageQuery,
  UpdatedOrgResponse,
  UpdateOrgBody
} from './schemas.js'
import type { OrgService } from './service.js'
import type { OrgView } from './views.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: the admin token's name, `admin`, or `anonymous` where no token is needed. */
    actor: string
  }
}

export const BASE_PATH = '/api/v1/vipps-orgs'

export interface OrgRoutesOptions {
  service: OrgService
  config: Config
}

const errors = { '4xx': ProblemSchema, '5xx': ProblemSchema }
const JSON_TYPE = 'application/json; charset=utf-8'
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Makes a retried create safe: the same key and body answer the first response again' })
  )
})
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag from GET; 412 when the config has changed since' }))
})

/** The endpoints of the contract, thin: check access, call the service, reply. */
export const orgRoutes: FastifyPluginAsyncTypebox<OrgRoutesOptions> = async (app, { service, config }) => {
  const writeLimit = { max: config.writeRateLimit.max, timeWindow: config.writeRateLimit.windowMs }
  // Access is checked before the body is parsed and validated: a 401 says nothing about the body.
  // (Callback hooks: no promise per request on the hot path.)
  const access = (kind: 'read' | 'write') => (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    try {
      request.actor = authenticate(config, request, kind)
      done()
    } catch (err) {
      done(err as Error)
    }
  }
  const read = access('read')
  const write = access('write')
  app.decorateRequest('actor', '')
  const security = [{ bearerAuth: [] }]

  /** Sends the pre-serialized representation, or 304 when the client's copy is current. */
  const sendView = (request: FastifyRequest, reply: FastifyReply, view: OrgView, body: string): FastifyReply => {
    reply.header('etag', view.etag).header('cache-control', 'no-cache')
    if (noneMatchHits(request.headers['if-none-match'], view.etag)) return reply.code(304).send()
    return reply.type(JSON_TYPE).send(body)
  }

  app.get(
    '/',
    {
      onRequest: read,
      schema: {
        summary: 'List active Vipps-enabled organizations',
        description: 'Live (not deleted) configs, by default only those with vipps_enabled=true; ordered by created_at, org_id.',
        tags: ['orgs'],
        querystring: ListOrgsQuery,
        response: { 200: ListOrgsResponse, ...errors }
      }
    },
    async (request) => {
      const { page = 1, limit = 20, environment, vipps_enabled = 'true' } = request.query
      return service.list({
        page,
        limit,
        ...(environment ? { environment } : {}),
        ...(vipps_enabled === 'any' ? {} : { vipps_enabled: vipps_enabled === 'true' })
      })
    }
  )

  app.post(
    '/',
    {
      onRequest: write,
      config: { rateLimit: writeLimit },
      schema: {
        summary: 'Create the Vipps configuration of an organization',
        tags: ['orgs'],
        security,
        headers: IdempotencyHeaders,
        body: CreateOrgBody,
        response: { 201: CreatedOrgResponse, ...errors }
      }
    },
    async (request, reply) => {
      const { actor } = request
      const key = request.headers['idempotency-key']
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw Problem.validation([{ field: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' }])
      }
      const result = await service.create(request.body, actor, key)
      reply.code(result.status).header('location', `${BASE_PATH}/${result.body.org_id}`)
      if (result.config) reply.header('etag', etagOf(result.config.version))
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      return result.body
    }
  )

  app.get(
    '/:org_id',
    {
      onRequest: read,
      schema: {
        summary: 'Get the Vipps configuration of an organization',
        tags: ['orgs'],
        params: OrgIdParams,
        response: { 200: OrgConfigResponse, 304: Type.Null({ description: 'Not modified' }), ...errors }
      }
    },
    async (request, reply) => {
      const view = await service.getLiveView(request.params.org_id)
      return sendView(request, reply, view, view.full)
    }
  )

  app.put(
    '/:org_id',
    {
      onRequest: write,
      config: { rateLimit: writeLimit },
      schema: {
        summary: 'Change some fields of the Vipps configuration of an organization',
        description: 'Partial: send only the fields to change. The response holds org_id, the fields sent and updated_at.',
        tags: ['orgs'],
        security,
        params: OrgIdParams,
        headers: IfMatchHeaders,
        body: UpdateOrgBody,
        response: { 200: UpdatedOrgResponse, ...errors }
      }
    },
    async (request, reply) => {
      const { actor } = request
      const { config: org, response } = await service.update(
        request.params.org_id,
        request.body,
        actor,
        ifMatchPrecondition(request.headers['if-match'])
      )
      reply.header('etag', etagOf(org.version))
      return response
    }
  )

  app.delete(
    '/:org_id',
    {
      onRequest: write,
      config: { rateLimit: writeLimit },
      schema: {
        summary: 'Remove the Vipps configuration of an organization (soft delete)',
        tags: ['orgs'],
        security,
        params: OrgIdParams,
        headers: IfMatchHeaders,
        response: { 200: DeletedOrgResponse, ...errors }
      }
    },
    async (request) => {
      const { actor } = request
      return service.softDelete(request.params.org_id, actor, ifMatchPrecondition(request.headers['if-match']))
    }
  )

  app.get(
    '/:org_id/status',
    {
      onRequest: read,
      schema: {
        summary: 'Is Vipps enabled for an organization',
        tags: ['orgs'],
        params: OrgIdParams,
        response: { 200: OrgStatusResponse, 304: Type.Null({ description: 'Not modified' }), ...errors }
      }
    },
    async (request, reply) => {
      const view = await service.getLiveView(request.params.org_id)
      return sendView(request, reply, view, view.status)
    }
  )

  app.get(
    '/:org_id/history',
    {
      onRequest: read,
      schema: {
        summary: 'Every change of an organization’s configuration, oldest first',
        description: 'Kept after delete and across re-create.',
        tags: ['orgs'],
        params: OrgIdParams,
        querystring: PageQuery,
        response: { 200: HistoryResponse, ...errors }
      }
    },
    async (request) => {
      const { page = 1, limit = 20 } = request.query
      return service.history(request.params.org_id, page, limit)
    }
  )

  const notAllowed = (allow: string) => async (request: FastifyRequest) => {
    throw new Problem(405, 'method_not_allowed', `${request.method} is not allowed here; use ${allow}`, undefined, {
      allow
    })
  }
  const hide = { schema: { hide: true } }
  app.route({ method: ['PUT', 'PATCH', 'DELETE'], url: '/', ...hide, handler: notAllowed('GET, HEAD, POST') })
  app.route({ method: ['POST', 'PATCH'], url: '/:org_id', ...hide, handler: notAllowed('GET, HEAD, PUT, DELETE') })
  for (const url of ['/:org_id/status', '/:org_id/history']) {
    app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url, ...hide, handler: notAllowed('GET, HEAD') })
  }
}
