import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { validatorCompiler } from '../http/validation.js'
import { futureTimeError } from './future-time.js'
import { KyselyApiKeyStore } from './kysely-store.js'
import { ApiKeyRegistry } from './registry.js'
import { API_KEYS_PATH, apiKeyRoutes } from './routes.js'
import { ApiKeyService } from './service.js'

/**
 * The API keys feature's front door: keys for machines, managed at run time under
 * /api/v1/api-keys, and the credential resolver that lets `Authorization: Bearer vok_…` in (an
 * in-memory lookup by digest, on the hot path too).
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const store = new KyselyApiKeyStore(app.database.db)
    const registry = new ApiKeyRegistry(store, app.log)
    await registry.start()
    app.addHook('preClose', () => registry.stop())
    app.access.addCredentialResolver(registry.resolver())
    const service = new ApiKeyService(store, registry)
    await app.register(
      async (scope) => {
        // An expiry is a time in the future: the request's date-time, checked when it arrives.
        scope.setValidatorCompiler(validatorCompiler({ 'date-time': (value) => futureTimeError(value) }))
        await scope.register(apiKeyRoutes, { service, config })
      },
      { prefix: API_KEYS_PATH }
    )
  },
  { name: 'api-keys', dependencies: ['database', 'access'] }
)
