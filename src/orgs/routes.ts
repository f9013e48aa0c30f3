import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { Config } from '../config.js'
import { orgScopeOf } from '../http/access/principal.js'
import { etagOf, ifMatchPrecondition, noneMatchHits } from '../http/etag.js'
import { IdempotencyKeyHeaders } from '../http/idempotency.js'
import { problemResponses, problems } from '../http/problems.js'
import { jsonResponse, notModifiedResponse } from '../http/responses.js'
import {
  CreateOrgBody,
  DeletedOrg,
  ListOrgsQuery,
  OrgConfig,
  OrgHistory,
  OrgIdParams,
  OrgList,
  OrgStatus,
  OrgSummary,
  PageQuery,
  UpdatedOrg,
  UpdateOrgBody
} from './schemas.js'
import type { OrgScope, OrgService, WriteResult } from './service.js'
import { ChangeRequest, HeldForApproval } from './write-gate.js'
import { fullBody, statusBody, VIEW_CACHE_CONTROL, VIEW_CONTENT_TYPE, type OrgView, type ViewBody } from './views.js'

export const BASE_PATH = '/api/v1/vipps-orgs'

export interface OrgRoutesOptions {
  service: OrgService
  config: Config
}

const errors = problemResponses
const notModified = { 304: notModifiedResponse }
/** With APPROVALS=production a write of production login settings waits for a second person. */
const held = {
  202: jsonResponse(ChangeRequest, 'Held for approval (APPROVALS=production): the change request; the org is unchanged until a second person approves it (with Idempotent-Replayed: the first answer again)', [
    'Location',
    'Idempotent-Replayed'
  ])
}

const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The ETag from a read: the write happens only if the config is still that version (else 412)' })
  )
})
/** A write's headers: its precondition and its key. */
const WriteHeaders = Type.Object({ ...IfMatchHeaders.properties, ...IdempotencyKeyHeaders.properties })
const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(
    Type.String({ description: 'The ETag of the copy the client holds: 304 without a body while it is current' })
  )
})

/** A write's answer: its status, the new ETag, or the mark of a replay. */
function sendWritten<T>(reply: FastifyReply, result: WriteResult<T>): T {
  reply.code(result.status)
  if (result.record) reply.header('etag', etagOf(result.record.version))
  if (result.replayed) reply.header('idempotent-replayed', 'true')
  return result.body
}

/** Sends a pre-serialized representation, or 304 when the client's copy is current. */
function sendView(request: FastifyRequest, reply: FastifyReply, view: OrgView, body: ViewBody): FastifyReply {
  reply.header('etag', view.etag).header('cache-control', VIEW_CACHE_CONTROL)
  if (noneMatchHits(request.headers['if-none-match'], view.etag)) return reply.code(304).send()
  return reply.type(VIEW_CONTENT_TYPE).send(body(view))
}

/**
 * A write that may be held for approval (four eyes): its answer, or 202 with the change request
 * and its Location.
 */
async function writeOrHold<T>(reply: FastifyReply, write: () => Promise<T>): Promise<T | ChangeRequest> {
  try {
    return await write()
  } catch (err) {
    if (!(err instanceof HeldForApproval)) throw err
    reply.code(202).header('location', err.held.location)
    if (err.replayed) reply.header('idempotent-replayed', 'true')
    return err.held.body
  }
}

/**
 * The hot reads: a cached view is sent at once, without a promise; otherwise it is loaded. Either
 * way the handler hands Fastify the reply (or a promise of it).
 */
function sendLiveView(
  service: OrgService,
  orgId: string,
  scope: OrgScope,
  request: FastifyRequest,
  reply: FastifyReply,
  body: ViewBody
): FastifyReply | Promise<FastifyReply> {
  const cached = service.cachedLiveView(orgId, scope)
  if (cached) return sendView(request, reply, cached, body)
  return service.getLiveView(orgId, scope).then((view) => sendView(request, reply, view, body))
}

/**
 * The endpoints of the contract, thin: each declares the right it needs (`config.right`, enforced
 * by the access hook), calls the service with who is asking, replies.
 */
export const orgRoutes: FastifyPluginAsyncTypebox<OrgRoutesOptions> = async (app, { service, config }) => {
  const writeLimit = { rateLimit: { max: config.writeRateLimit.max, timeWindow: config.writeRateLimit.windowMs } }
  const tags = ['orgs']

  app.get(
    '/',
    {
      config: { right: 'orgs:read' },
      schema: {
        operationId: 'listOrgs',
        summary: 'List active Vipps-enabled organizations',
        description:
          'Live (not deleted) configs, by default only those with vipps_enabled=true; ordered by created_at, org_id, in pages. With after=<org_id> instead of page: the orgs after that org_id, ordered by org_id, so a reader walking every org while others write sees each org live throughout exactly once.',
        tags,
        querystring: ListOrgsQuery,
        response: { 200: jsonResponse(OrgList, 'One page of organizations, with the total of all matches'), ...errors }
      }
    },
    async (request) => {
      const { page, limit = 20, environment, vipps_enabled = 'true', q, after } = request.query
      // Pages by offset shift under writes; a walk by key does not: one or the other.
      if (after !== undefined && page !== undefined) throw problems.invalidField('page', 'cannot be combined with after (paging by key)')
      return service.list(
        {
          page: page ?? 1,
          limit,
          ...(after !== undefined ? { after } : {}),
          ...(environment ? { environment } : {}),
          ...(q !== undefined ? { q } : {}),
          ...(vipps_enabled === 'any' ? {} : { vipps_enabled: vipps_enabled === 'true' })
        },
        orgScopeOf(request.principal)
      )
    }
  )

  app.post(
    '/',
    {
      config: { right: 'orgs:write', ...writeLimit },
      schema: {
        operationId: 'createOrg',
        summary: 'Create the Vipps configuration of an organization',
        tags,
        headers: IdempotencyKeyHeaders,
        body: CreateOrgBody,
        response: {
          201: jsonResponse(OrgSummary, 'Created (or, with Idempotent-Replayed, the first response again)', [
            'Location',
            'ETag',
            'Idempotent-Replayed'
          ]),
          ...held,
          ...errors
        }
      }
    },
    (request, reply) =>
      writeOrHold(reply, async () => {
        const result = await service.create(request.body, request.principal, request.headers['idempotency-key'])
        reply.header('location', `${BASE_PATH}/${result.body.org_id}`)
        return sendWritten(reply, result)
      })
  )

  app.get(
    '/:org_id',
    {
      config: { right: 'orgs:read' },
      schema: {
        operationId: 'getOrg',
        summary: 'Get the Vipps configuration of an organization',
        tags,
        params: OrgIdParams,
        headers: IfNoneMatchHeaders,
        response: { 200: jsonResponse(OrgConfig, 'The full configuration', ['ETag']), ...notModified, ...errors }
      }
    },
    (request, reply) => sendLiveView(service, request.params.org_id, orgScopeOf(request.principal), request, reply, fullBody)
  )

  app.put(
    '/:org_id',
    {
      config: { right: 'orgs:write', ...writeLimit },
      schema: {
        operationId: 'updateOrg',
        summary: 'Change some fields of the Vipps configuration of an organization',
        description: 'Partial: send only the fields to change. The response holds org_id, the fields sent and updated_at.',
        tags,
        params: OrgIdParams,
        headers: WriteHeaders,
        body: UpdateOrgBody,
        response: {
          200: jsonResponse(UpdatedOrg, 'Changed (or, with Idempotent-Replayed, the first response again)', ['ETag', 'Idempotent-Replayed']),
          ...held,
          ...errors
        }
      }
    },
    async (request, reply) => {
      const { 'if-match': ifMatch, 'idempotency-key': key } = request.headers
      return writeOrHold(reply, async () =>
        sendWritten(reply, await service.update(request.params.org_id, request.body, request.principal, ifMatchPrecondition(ifMatch), key))
      )
    }
  )

  app.delete(
    '/:org_id',
    {
      config: { right: 'orgs:write', ...writeLimit },
      schema: {
        operationId: 'deleteOrg',
        summary: 'Remove the Vipps configuration of an organization (soft delete)',
        tags,
        params: OrgIdParams,
        headers: WriteHeaders,
        response: {
          200: jsonResponse(DeletedOrg, 'Deleted (the row and its history are kept; with Idempotent-Replayed, the first response again)', [
            'Idempotent-Replayed'
          ]),
          ...held,
          ...errors
        }
      }
    },
    async (request, reply) => {
      const { 'if-match': ifMatch, 'idempotency-key': key } = request.headers
      return writeOrHold(reply, async () =>
        sendWritten(reply, await service.softDelete(request.params.org_id, request.principal, ifMatchPrecondition(ifMatch), key))
      )
    }
  )

  app.get(
    '/:org_id/status',
    {
      config: { right: 'orgs:read' },
      schema: {
        operationId: 'getOrgStatus',
        summary: 'Is Vipps enabled for an organization',
        tags,
        params: OrgIdParams,
        headers: IfNoneMatchHeaders,
        response: { 200: jsonResponse(OrgStatus, 'The switch, the client id and the environment', ['ETag']), ...notModified, ...errors }
      }
    },
    (request, reply) => sendLiveView(service, request.params.org_id, orgScopeOf(request.principal), request, reply, statusBody)
  )

  app.get(
    '/:org_id/history',
    {
      config: { right: 'orgs:read' },
      schema: {
        operationId: 'getOrgHistory',
        summary: 'Every change of an organization’s configuration, oldest first',
        description: 'Kept after delete and across re-create.',
        tags,
        params: OrgIdParams,
        querystring: PageQuery,
        response: { 200: jsonResponse(OrgHistory, 'One page of the history, with the total'), ...errors }
      }
    },
    async (request) => {
      const { page = 1, limit = 20 } = request.query
      return service.history(request.params.org_id, page, limit, orgScopeOf(request.principal))
    }
  )
}
