import { randomUUID } from 'node:crypto'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import { context, defaultTextMapGetter, defaultTextMapSetter, diag, DiagLogLevel, propagation, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler
} from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import type { FastifyBaseLogger, FastifyPluginCallback } from 'fastify'
import type { TracingConfig } from '../../config.js'
import type { DecideFirst } from '../fast-path.js'
import { RequestTraceIds, sampleFirst } from './sample-first.js'
import type { Tracing } from './tracing.js'

/**
 * The OpenTelemetry SDK, loaded (by a dynamic import in ./plugin.ts) only when tracing is on.
 * The tracer provider is this app's own, not the process's global one: every span is made with
 * its tracer (the request spans by @fastify/otel, given the provider). What is process-wide is
 * only what must be: the context manager (AsyncLocalStorage: a span is active in what runs on
 * its behalf) and the W3C trace-context propagator (a request's `traceparent` is continued).
 */
export interface StartedTracing extends Tracing {
  /** @fastify/otel's plugin: a span per request, named by method and route template, with its status. */
  requestSpans: FastifyPluginCallback
  /** The sampling decision made before the fast path, once a request (./sample-first.ts). */
  sampleFirst: DecideFirst
}

const propagator = new W3CTraceContextPropagator()
/** The longest closing waits for the last spans to be sent. */
const SHUTDOWN_WAIT_MS = 2_000

function samplerOf({ sampler, ratio }: TracingConfig): Sampler {
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler()
    case 'always_off':
      return new AlwaysOffSampler()
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio)
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) })
  }
}

let processWideSet = false

/** The context manager, the propagator and the SDK's own warnings (an export that failed) into the log: once a process. */
function setProcessWide(log: FastifyBaseLogger): void {
  if (processWideSet) return
  processWideSet = true
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(propagator)
  const warn = (message: string, ...args: unknown[]) => log.warn({ otel: args.length > 0 ? args.map(String) : undefined }, `OpenTelemetry: ${message}`)
  diag.setLogger({ error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN)
}

export function startTracing(config: TracingConfig, log: FastifyBaseLogger): StartedTracing {
  setProcessWide(log)
  const resource = detectResources({ detectors: [envDetector] }).merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, 'service.instance.id': randomUUID() })
  )
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl })
  const sampler = samplerOf(config)
  const provider = new NodeTracerProvider({
    resource,
    sampler,
    // A request routed from the fast path: its span takes the trace id it was sampled with.
    idGenerator: new RequestTraceIds(),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.exportDelayMs })]
  })
  const tracer = provider.getTracer('vipps-orgs')

  const requests = new FastifyOtelInstrumentation({
    // One span per request: not one per hook and handler as well.
    instrumentHooks: false,
    instrumentHandler: false,
    requestHook: (span, request) => {
      const route = request.routeOptions.url
      span.updateName(route ? `${request.method} ${route}` : request.method)
      // The path only: a query may carry what must not leave the service (the sign-in callback's code and state).
      span.setAttribute('url.path', request.url.split('?')[0]!)
    }
  })
  requests.setTracerProvider(provider)

  return {
    tracer,
    requestSpans: requests.plugin(),
    sampleFirst: sampleFirst(sampler, propagator),
    activeTraceparent() {
      const span = trace.getSpan(context.active())
      if (span === undefined) return null
      const carrier: Record<string, string> = {}
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter)
      return carrier.traceparent ?? null
    },
    contextOf(traceparent) {
      return traceparent === null ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter)
    },
    traceparentOf(span: Span) {
      const carrier: Record<string, string> = {}
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter)
      return carrier.traceparent!
    },
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      requests.disable()
      // A collector that does not answer must not hold the stop up (the exporter waits up to its timeout, 10 s).
      let timer: NodeJS.Timeout | undefined
      const given = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)))
      await Promise.race([provider.shutdown().catch(() => undefined), given])
      clearTimeout(timer)
    }
  }
}
