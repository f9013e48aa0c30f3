import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import { sendProblem } from './error-handler.js'
import { BODY_LIMIT } from './json-body.js'
import { lazyChildLogger } from './lazy-logger.js'
import { problems } from './problems.js'
import { requestIdOf } from './request-context.js'

function loggerDefaults(config: Config) {
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["idempotency-key"]', 'req.headers.cookie', 'req.headers["x-csrf-token"]']
  }
}

/** Fastify's own options: logging, limits, request ids, routing, and the router's errors as problems. */
export function serverOptions(config: Config, logger?: FastifyServerOptions['logger']): FastifyServerOptions {
  return {
    // A logger given as options (a test's stream, say) keeps the redactions.
    logger: logger === undefined || (typeof logger === 'object' && logger !== null) ? { ...loggerDefaults(config), ...(logger ?? {}) } : logger,
    childLoggerFactory: lazyChildLogger,
    bodyLimit: BODY_LIMIT,
    // While shutting down, requests already accepted are served, not answered 503.
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Errors raised by the router before any route runs (bad URL encoding, overlong parameter).
    frameworkErrors: (err, request, reply) => {
      const problem =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? problems.uriTooLong('A path segment is longer than 256 characters')
          : problems.badRequest('The request URL is not valid')
      sendProblem(reply, problem, request)
    }
  }
}
