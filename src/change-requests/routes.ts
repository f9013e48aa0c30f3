import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import { problemResponses } from '../http/problems.js'
import { jsonResponse } from '../http/responses.js'
import { ApproveBody, ChangeRequest, ChangeRequestIdParams, ChangeRequestList, ListChangeRequestsQuery, RejectBody } from './schemas.js'
import type { ChangeRequestService } from './service.js'

export interface ChangeRequestRoutesOptions {
  service: ChangeRequestService
  config: Config
}

/**
 * Change requests (four eyes), thin: viewers read (change_requests:read), editors and admins
 * with a grant on the org decide (change_requests:decide), the requester withdraws.
 */
export const changeRequestRoutes: FastifyPluginAsyncTypebox<ChangeRequestRoutesOptions> = async (app, { service, config }) => {
  const writeLimit = { rateLimit: { max: config.writeRateLimit.max, timeWindow: config.writeRateLimit.windowMs } }
  const tags = ['change requests']
  const errors = problemResponses
  const answer = (description: string) => ({ 200: jsonResponse(ChangeRequest, description), ...errors })

  app.get(
    '/',
    {
      config: { right: 'change_requests:read' },
      schema: {
        operationId: 'listChangeRequests',
        summary: 'Change requests, newest first (default: the pending ones)',
        description: 'A grant limited to some orgs sees only theirs. state=pending never lists a stale or expired request.',
        tags,
        querystring: ListChangeRequestsQuery,
        response: { 200: jsonResponse(ChangeRequestList, 'The requests, newest first (at most 500)'), ...errors }
      }
    },
    async (request) => {
      const { state = 'pending', org_id: orgId } = request.query
      return { data: await service.list({ state, ...(orgId !== undefined ? { orgId } : {}) }, request.principal) }
    }
  )

  app.get(
    '/:id',
    {
      config: { right: 'change_requests:read' },
      schema: {
        operationId: 'getChangeRequest',
        summary: 'One change request',
        tags,
        params: ChangeRequestIdParams,
        response: answer('The request as it now stands')
      }
    },
    async (request) => service.get(request.params.id, request.principal)
  )

  app.post(
    '/:id/approve',
    {
      config: { right: 'change_requests:decide', ...writeLimit },
      schema: {
        operationId: 'approveChangeRequest',
        summary: 'Approve a pending change request: its change is applied now',
        description:
          'Applied in one transaction only if the org is still at base_version (a create: no live org); otherwise 409 change_request_stale and nothing changes. The requester cannot approve (403 self_approval); a request no longer pending: 409 change_request_closed.',
        tags,
        params: ChangeRequestIdParams,
        body: ApproveBody,
        response: answer('Approved and applied')
      }
    },
    async (request) => service.approve(request.params.id, request.principal, request.body.comment)
  )

  app.post(
    '/:id/reject',
    {
      config: { right: 'change_requests:decide', ...writeLimit },
      schema: {
        operationId: 'rejectChangeRequest',
        summary: 'Reject a pending change request, with a reason',
        description: 'The requester cannot reject (403 self_approval: withdraw instead); a request no longer pending: 409 change_request_closed.',
        tags,
        params: ChangeRequestIdParams,
        body: RejectBody,
        response: answer('Rejected: nothing is applied')
      }
    },
    async (request) => service.reject(request.params.id, request.principal, request.body.reason)
  )

  app.delete(
    '/:id',
    {
      config: { right: 'change_requests:read', ...writeLimit },
      schema: {
        operationId: 'withdrawChangeRequest',
        summary: 'Withdraw your own pending change request',
        description: 'Only the requester (403 for anyone else); a request no longer pending: 409 change_request_closed.',
        tags,
        params: ChangeRequestIdParams,
        response: answer('Withdrawn: nothing is applied')
      }
    },
    async (request) => service.withdraw(request.params.id, request.principal)
  )
}
