import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import { startApp, storeNames } from './support/app.js'

/** The OpenTelemetry SDK's packages (CommonJS: once imported they are in require's cache), not the API's. */
const SDK = /node_modules[\\/](@opentelemetry[\\/](sdk-trace|exporter-trace|context-async-hooks|resources|instrumentation)|@fastify[\\/]otel)/
const loadedSdk = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => SDK.test(path))

// One file, one process: nothing else here loads the SDK before the first check.
it('loads nothing of the OpenTelemetry SDK while no OTLP endpoint is set, and loads it once one is', async () => {
  const store = storeNames()[0]!
  const off = await startApp(store, { OTEL_SERVICE_NAME: 'vipps-orgs-test', OTEL_TRACES_SAMPLER: 'always_on' })
  try {
    expect((await off.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    expect(loadedSdk()).toEqual([])
  } finally {
    await off.close()
  }
  // The check can fail: with an endpoint (nothing listens there; nothing is sent before a span ends), the SDK is loaded.
  const on = await startApp(store, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_SAMPLER: 'always_off' })
  try {
    expect(loadedSdk().length).toBeGreaterThan(0)
  } finally {
    await on.close()
  }
})
