import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import { requireAccess, securityOf } from '../http/auth.js'
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

/** Webhook management: an admin token whenever ADMIN_TOKENS is set (these make the server send requests). */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, { service, config }) => {
  const admin = requireAccess(config, 'admin')
  const security = securityOf(config, 'admin')
  const limited = { rateLimit: { max: config.writeRateLimit.max, timeWindow: config.writeRateLimit.windowMs } }
  const tags = ['webhooks']
  const errors = problemResponses

  app.post(
    '/',
    {
      onRequest: admin,
      config: limited,
      schema: {
        operationId: 'createWebhook',
        summary: 'Register a webhook endpoint; its secret is in this response only',
        tags,
        security,
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
      onRequest: admin,
      schema: {
        operationId: 'listWebhooks',
        summary: 'Every webhook endpoint (no secrets)',
        tags,
        security,
        response: { 200: jsonResponse(WebhookList, 'The endpoints, oldest first'), ...errors }
      }
    },
    async () => ({ data: await service.list() })
  )

  app.get(
    '/:id',
    {
      onRequest: admin,
      schema: {
        operationId: 'getWebhook',
        summary: 'One webhook endpoint (no secret)',
        tags,
        security,
        params: WebhookIdParams,
        response: { 200: jsonResponse(Webhook, 'The endpoint'), ...errors }
      }
    },
    async (request) => service.get(request.params.id)
  )

  app.put(
    '/:id',
    {
      onRequest: admin,
      config: limited,
      schema: {
        operationId: 'updateWebhook',
        summary: 'Change some of url, description, event_types, enabled',
        description: 'Re-enabling an endpoint starts from now: changes made meanwhile are in the change feed.',
        tags,
        security,
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
      onRequest: admin,
      config: limited,
      schema: {
        operationId: 'deleteWebhook',
        summary: 'Stop and remove an endpoint (its delivery records are kept 30 days)',
        tags,
        security,
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
      onRequest: admin,
      config: limited,
      schema: {
        operationId: 'rotateWebhookSecret',
        summary: 'A new secret (shown once); the old one also signs for 24 hours',
        tags,
        security,
        params: WebhookIdParams,
        response: { 200: jsonResponse(RotatedSecret, 'The new secret'), ...errors }
      }
    },
    async (request) => service.rotateSecret(request.params.id)
  )

  app.post(
    '/:id/test',
    {
      onRequest: admin,
      config: limited,
      schema: {
        operationId: 'sendWebhookTest',
        summary: 'Queue a webhook.test event to this endpoint (also while it is disabled)',
        tags,
        security,
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
      onRequest: admin,
      schema: {
        operationId: 'listWebhookDeliveries',
        summary: 'Recent attempts, newest first, after the pending ones',
        tags,
        security,
        params: WebhookIdParams,
        querystring: DeliveriesQuery,
        response: { 200: jsonResponse(DeliveryList, 'Pending deliveries and the attempts made'), ...errors }
      }
    },
    async (request) => ({ data: await service.deliveries(request.params.id, request.query.limit ?? 20) })
  )
}
