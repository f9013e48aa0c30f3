import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'

/** Starts the service, and stops it cleanly on SIGTERM/SIGINT: nothing else. */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(`vipps-orgs: configuration error: ${err.message}`)
    process.exit(1)
  }

  // Listens at once and answers 503 while it loads (SIGTERM meanwhile ends the process: nothing to finish yet).
  const app = await buildApp(config, { listen: { port: config.port, host: config.host } })
  if (config.openAccess) {
    app.log.warn(
      'no way to sign in is configured (ADMIN_TOKENS, OIDC_ISSUER): requests without a credential act as anonymous with every right; ' +
        'configure one before exposing this service'
    )
  } else if (config.writesOpen) {
    app.log.warn('AUTH_DISABLED=true: org writes (POST, PUT, DELETE) are open to requests without a credential')
  }

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing requests in flight')
    const force = setTimeout(() => {
      app.log.error('requests still in flight after the grace period; exiting anyway')
      process.exit(1)
    }, config.shutdownGraceMs)
    force.unref()
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while shutting down')
        process.exit(1)
      }
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err: unknown) => {
  console.error('vipps-orgs: failed to start:', err instanceof Error ? err.message : err)
  process.exit(1)
})
