import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import { problemResponses } from '../http/problems.js'
import { jsonResponse } from '../http/responses.js'
import { ApiKey, ApiKeyIdParams, ApiKeyList, CreateApiKeyBody, CreatedApiKey } from './schemas.js'
import type { ApiKeyService } from './service.js'

export const API_KEYS_PATH = '/api/v1/api-keys'

export interface ApiKeyRoutesOptions {
  service: ApiKeyService
  config: Config
}

/** API keys, for admins only (api_keys:read, api_keys:write); the key itself only in the create's answer. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<ApiKeyRoutesOptions> = async (app, { service, config }) => {
  const writeLimit = { rateLimit: { max: config.writeRateLimit.max, timeWindow: config.writeRateLimit.windowMs } }
  const tags = ['access']
  const errors = problemResponses

  app.post(
    '/',
    {
      config: { right: 'api_keys:write', ...writeLimit },
      schema: {
        operationId: 'createApiKey',
        summary: 'Create an API key; the key is in this response only',
        tags,
        body: CreateApiKeyBody,
        response: { 201: jsonResponse(CreatedApiKey, 'Created: keep the key, it is not shown again', ['Location']), ...errors }
      }
    },
    async (request, reply) => {
      const created = await service.create(request.body, request.principal)
      reply.code(201).header('location', `${API_KEYS_PATH}/${created.id}`).header('cache-control', 'no-store')
      return created
    }
  )

  app.get(
    '/',
    {
      config: { right: 'api_keys:read' },
      schema: {
        operationId: 'listApiKeys',
        summary: 'Every API key, revoked ones too (never a key)',
        tags,
        response: { 200: jsonResponse(ApiKeyList, 'The keys, oldest first'), ...errors }
      }
    },
    async () => ({ data: await service.list() })
  )

  app.get(
    '/:id',
    {
      config: { right: 'api_keys:read' },
      schema: {
        operationId: 'getApiKey',
        summary: 'One API key (never the key)',
        tags,
        params: ApiKeyIdParams,
        response: { 200: jsonResponse(ApiKey, 'The key’s record'), ...errors }
      }
    },
    async (request) => service.get(request.params.id)
  )

  app.delete(
    '/:id',
    {
      config: { right: 'api_keys:write', ...writeLimit },
      schema: {
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key: refused by every instance within a second; it stays listed with revoked_at',
        tags,
        params: ApiKeyIdParams,
        response: { 200: jsonResponse(ApiKey, 'Revoked (again: as it was)'), ...errors }
      }
    },
    async (request) => service.revoke(request.params.id)
  )
}
