import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Tracing } from '../http/tracing/tracing.js'
import type { SendResult } from './sender.js'
import type { ClaimedDelivery } from './store.js'

/**
 * One attempt of a delivery as a client span (tracing on). Its parent is the request that made
 * the change (the `traceparent` its event kept, migration 008), linked as well: whichever
 * instance attempts it, however much later, the attempt is in that request's trace, and the
 * receiver gets a `traceparent` naming it. A delivery without one (a test event, an event an
 * older release wrote) starts a trace of its own. The URL is recorded without query or credentials.
 */
export async function sendInSpan(
  tracing: Tracing,
  delivery: ClaimedDelivery,
  attempt: number,
  send: (traceparent: string) => Promise<SendResult>
): Promise<SendResult> {
  const parent = tracing.contextOf(delivery.trace_context)
  const cause = trace.getSpanContext(parent)
  const target = new URL(delivery.url)
  const span = tracing.tracer.startSpan(
    'webhook delivery',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'url.full': `${target.origin}${target.pathname}`,
        'server.address': target.hostname,
        'webhook.endpoint_id': delivery.endpoint_id,
        'webhook.event_id': delivery.event_id,
        'webhook.event_type': delivery.event_type,
        'webhook.attempt': attempt
      },
      links: cause ? [{ context: cause, attributes: { 'vipps_orgs.link': 'the request that made the change' } }] : []
    },
    parent
  )
  try {
    const result = await context.with(trace.setSpan(parent, span), () => send(tracing.traceparentOf(span)))
    if (result.responseStatus !== undefined) span.setAttribute('http.response.status_code', result.responseStatus)
    if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: result.error ?? 'the delivery failed' })
    return result
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) })
    throw err
  } finally {
    span.end()
  }
}
