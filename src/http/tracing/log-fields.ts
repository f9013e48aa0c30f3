import { context, isSpanContextValid, trace } from '@opentelemetry/api'

/**
 * pino's mixin with tracing on: every log line written inside a span carries its `trace_id` and
 * `span_id` (and `trace_flags`: `01` when the trace is sampled, so it can be found in the backend).
 */
export function traceLogFields(): Record<string, string> {
  const span = trace.getSpan(context.active())
  if (span === undefined) return {}
  const spanContext = span.spanContext()
  if (!isSpanContextValid(spanContext)) return {}
  const { traceId, spanId, traceFlags } = spanContext
  return { trace_id: traceId, span_id: spanId, trace_flags: traceFlags.toString(16).padStart(2, '0') }
}
