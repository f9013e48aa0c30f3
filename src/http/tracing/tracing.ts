import type { Context, Span, Tracer } from '@opentelemetry/api'

/**
 * What the service's code sees of OpenTelemetry when tracing is on (`app.tracing`; null when off,
 * and then nothing of the SDK is loaded): the tracer, and the W3C trace context as the text a
 * `traceparent` header holds, to keep with what a request caused and to send on.
 */
export interface Tracing {
  tracer: Tracer
  /** The active span's context as a `traceparent` value; null outside a span. */
  activeTraceparent(): string | null
  /** The context a kept `traceparent` continues: the root context for null or a malformed value. */
  contextOf(traceparent: string | null): Context
  /** A span's context as a `traceparent` value, to send. */
  traceparentOf(span: Span): string
  /** Sends the finished spans now. */
  flush(): Promise<void>
  /** Sends what is finished, then stops. */
  shutdown(): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** OpenTelemetry, when an OTLP endpoint is configured; null otherwise. */
    tracing: Tracing | null
  }
}
