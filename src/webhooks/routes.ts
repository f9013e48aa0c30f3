import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import { problemResponses } from '../http/problems.js'
import { jsonResponse } from '../http/responses.js'
import {
  CreatedWebhook,
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryList,
  QueuedTest,
  RotatedSecret,
  UpdateWebhookBody,
  Webhook,
  WebhookIdParams,
  WebhookList
} from './schemas.js'
import type { WebhookService } from './service.js'

export const WEBHOOKS_PATH = '/api/v1/webhooks'

export interface WebhookRoutesOptions {
  service: WebhookService
  config: Config
}

/**
 * Webhook endpoints: reading them (never a secret) needs webhooks:read (viewer), managing them
 * webhooks:write (admin: they make the server send requests); neither for grants limited to some
 * orgs, as an endpoint receives every org's changes.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, { service, config }) => {
  const limited = { rateLimit: { max: config.writeRateLimit.max, timeWindow: config.writeRateLimit.windowMs } }
  const tags = ['webhooks']
  const errors = problemResponses

  app.post(
    '/',
    {
      config: { right: 'webhooks:write', ...limited },
      schema: {
        operationId: 'createWebhook',
        summary: 'Register a webhook endpoint; its secret is in this response only',
        tags,
        body: CreateWebhookBody,
        response: { 201: jsonResponse(CreatedWebhook, 'Registered: keep the secret, it is not shown again', ['Location']), ...errors }
      }
    },
    async (request, reply) => {
      const created = await service.create(request.body)
      reply.code(201).header('location', `${WEBHOOKS_PATH}/${created.id}`)
      return created
    }
  )

  app.get(
    '/',
    {
      config: { right: 'webhooks:read' },
      schema: {
        operationId: 'listWebhooks',
        summary: 'Every webhook endpoint (no secrets)',
        tags,
        response: { 200: jsonResponse(WebhookList, 'The endpoints, oldest first'), ...errors }
      }
    },
    async () => ({ data: await service.list() })
  )

  app.get(
    '/:id',
    {
      config: { right: 'webhooks:read' },
      schema: {
        operationId: 'getWebhook',
        summary: 'One webhook endpoint (no secret)',
        tags,
        params: WebhookIdParams,
        response: { 200: jsonResponse(Webhook, 'The endpoint'), ...errors }
      }
    },
    async (request) => service.get(request.params.id)
  )

  app.put(
    '/:id',
    {
      config: { right: 'webhooks:write', ...limited },
      schema: {
        operationId: 'updateWebhook',
        summary: 'Change some of url, description, event_types, enabled',
        description: 'Re-enabling an endpoint starts from now: changes made meanwhile are in the change feed.',
        tags,
        params: WebhookIdParams,
        body: UpdateWebhookBody,
        response: { 200: jsonResponse(Webhook, 'The endpoint as it is now'), ...errors }
      }
    },
    async (request) => service.update(request.params.id, request.body)
  )

  app.delete(
    '/:id',
    {
      config: { right: 'webhooks:write', ...limited },
      schema: {
        operationId: 'deleteWebhook',
        summary: 'Stop and remove an endpoint (its delivery records are kept 30 days)',
        tags,
        params: WebhookIdParams,
        response: { 204: { type: 'null', description: 'Removed' }, ...errors }
      }
    },
    async (request, reply) => {
      await service.remove(request.params.id)
      return reply.code(204).send(null)
    }
  )

  app.post(
    '/:id/rotate-secret',
    {
      config: { right: 'webhooks:write', ...limited },
      schema: {
        operationId: 'rotateWebhookSecret',
        summary: 'A new secret (shown once); the old one also signs for 24 hours',
        tags,
        params: WebhookIdParams,
        response: { 200: jsonResponse(RotatedSecret, 'The new secret'), ...errors }
      }
    },
    async (request) => service.rotateSecret(request.params.id)
  )

  app.post(
    '/:id/test',
    {
      config: { right: 'webhooks:write', ...limited },
      schema: {
        operationId: 'sendWebhookTest',
        summary: 'Queue a webhook.test event to this endpoint (also while it is disabled)',
        tags,
        params: WebhookIdParams,
        response: { 202: jsonResponse(QueuedTest, 'Queued: see its attempts under /deliveries'), ...errors }
      }
    },
    async (request, reply) => {
      reply.code(202)
      return service.sendTest(request.params.id)
    }
  )

  app.get(
    '/:id/deliveries',
    {
      config: { right: 'webhooks:read' },
      schema: {
        operationId: 'listWebhookDeliveries',
        summary: 'Recent attempts, newest first, after the pending ones',
        tags,
        params: WebhookIdParams,
        querystring: DeliveriesQuery,
        response: { 200: jsonResponse(DeliveryList, 'Pending deliveries and the attempts made'), ...errors }
      }
    },
    async (request) => ({ data: await service.deliveries(request.params.id, request.query.limit ?? 20) })
  )
}
