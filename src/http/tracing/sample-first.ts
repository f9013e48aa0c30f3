import { type Context, context, createContextKey, defaultTextMapGetter, isSpanContextValid, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api'
import type { W3CTraceContextPropagator } from '@opentelemetry/core'
import { type IdGenerator, RandomIdGenerator, type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace-node'
import type { DecideFirst } from '../fast-path.js'

/**
 * The sampling decision made before the fast path (src/http/fast-path.ts), once a request: a
 * request not sampled would have a span that is never sent, so the fast path may answer it; a
 * request sampled goes to Fastify, and its span is sampled by the SDK.
 *
 * One decision, not two: the decision is the configured sampler's, asked with what the SDK will
 * ask it with when @fastify/otel starts the request's span: the parent the request's
 * `traceparent` names (under parentbased_*, its sampled flag decides), or else a trace id chosen
 * here, which the span then takes (RequestTraceIds: the id generator of the provider). Every
 * sampler this service knows (src/config.ts) decides from those alone (traceidratio from the
 * trace id's bits), so the SDK decides the same: a request is sampled at the configured ratio,
 * whichever way it is answered. Requests the fast path would not answer are not decided here.
 */

/** The trace id chosen for a request's span, until its span takes it. */
interface Chosen {
  traceId: string | undefined
}
const CHOSEN = createContextKey('vipps-orgs: the trace id chosen for the request span')

/** The provider's ids: random, but the first new trace in a request routed from the fast path takes the id its decision was made with. */
export class RequestTraceIds implements IdGenerator {
  private readonly random = new RandomIdGenerator()

  generateTraceId(): string {
    const chosen = context.active().getValue(CHOSEN) as Chosen | undefined
    if (chosen?.traceId === undefined) return this.random.generateTraceId()
    const { traceId } = chosen
    chosen.traceId = undefined
    return traceId
  }

  generateSpanId(): string {
    return this.random.generateSpanId()
  }
}

/** The fast path's first decision (FastPaths.decideWith), with the provider's sampler. */
export function sampleFirst(sampler: Sampler, propagator: W3CTraceContextPropagator): DecideFirst {
  const random = new RandomIdGenerator()
  return (req) => {
    const incoming = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter)
    const parent = trace.getSpanContext(incoming)
    let traceId: string
    let routed: Context = ROOT_CONTEXT
    if (parent !== undefined && isSpanContextValid(parent)) traceId = parent.traceId
    else {
      traceId = random.generateTraceId()
      routed = ROOT_CONTEXT.setValue(CHOSEN, { traceId } satisfies Chosen)
    }
    const { decision } = sampler.shouldSample(incoming, traceId, 'request', SpanKind.SERVER, {}, [])
    return { fast: decision === SamplingDecision.NOT_RECORD, route: (handle) => context.with(routed, handle) }
  }
}
