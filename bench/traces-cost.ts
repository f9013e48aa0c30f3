import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { type BuiltRelease, buildRelease } from '../test/support/previous-release.js'
import type { GetLoad, Measure } from './load.js'
import { median } from './load.js'
import { startOtlpSink } from './otlp-sink.js'
import { cpuSeconds, type ServiceProcess } from './service-process.js'

/**
 * "Today's" service for the traces step: main as it was before traces were built
 * (BENCH_TRACES_BASELINE names another commit). Built from `git archive` in a temporary directory.
 */
export const TRACES_BASELINE = process.env.BENCH_TRACES_BASELINE ?? '9efbc49433ca21d4cd9c0ed0c3225fde031532dd'
const TRACE_ROUNDS = Number(process.env.BENCH_TRACE_ROUNDS ?? 6)
const TRACE_SECONDS = 3

export async function buildBaseline(): Promise<BuiltRelease> {
  const release = await buildRelease(TRACES_BASELINE)
  execFileSync(process.execPath, [join(release.dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: release.dir, stdio: 'inherit' })
  return release
}

type Side = 'today' | 'off' | 'on_1' | 'on_0_01'
interface SideMeasure extends Measure {
  cpu_us_per_request: number
}

export interface TracesCost {
  baseline: string
  /** Medians of the rounds' ratios of req/s, with the lowest and highest round. */
  off_over_today: Spread
  on_1_over_off: Spread
  on_0_01_over_off: Spread
  /** The same by the server's CPU time a request (the shared machine's neighbours take time from a run, less its work). */
  cpu_off_over_today: Spread
  cpu_on_1_over_off: Spread
  cpu_on_0_01_over_off: Spread
  /** Each side's medians over the rounds: req/s, p50, p99, CPU µs a request. */
  sides: Record<Side, SideMeasure>
  /** What the traced sides sent to the OTLP endpoint. */
  exported: { exports: number; bytes: number }
}

interface Spread {
  median: number
  min: number
  max: number
}

const round2 = (x: number) => Math.round(x * 100) / 100
const spread = (values: number[]): Spread => ({ median: round2(median(values)), min: round2(Math.min(...values)), max: round2(Math.max(...values)) })

export interface TracesStep {
  /** Starts the service (this build, or the build in `cwd`) with these settings over its own. */
  start(env: Record<string, string>, cwd?: string): Promise<ServiceProcess>
  stop(service: ServiceProcess): Promise<void>
  /** Settings giving a process the same data as the others (SQLite: a copy of the file). */
  sameData(name: string): Promise<{ DATABASE_URL?: string }>
  /** Reads every org once (the caches warm). */
  warm(port: number): Promise<void>
  get(port: number, load: GetLoad, seconds: number, warmupSeconds: number): Promise<Measure>
  baselineDir: string
  status: GetLoad
  label: string
}

/**
 * Hot status reads of four processes on the same data: today's build (main before traces), this
 * build with tracing off, and this build tracing every request (sampler parentbased_traceidratio
 * at 1.0 and at 0.01) into an OTLP endpoint that drops what it gets. Rounds of short runs, each
 * side once a round, the order turning each round; the ratios are taken within a round (off over
 * today, on over off), so what the shared machine does meanwhile hits the sides of a round alike.
 */
export async function tracesCost(step: TracesStep): Promise<TracesCost> {
  const sink = await startOtlpSink()
  const traced = (ratio: string) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: ratio
  })
  const processes: Record<Side, ServiceProcess> = {
    today: await step.start(await step.sameData('traces-today'), step.baselineDir),
    off: await step.start(await step.sameData('traces-off')),
    on_1: await step.start({ ...(await step.sameData('traces-on-1')), ...traced('1.0') }),
    on_0_01: await step.start({ ...(await step.sameData('traces-on-0.01')), ...traced('0.01') })
  }
  try {
    const sides = Object.keys(processes) as Side[]
    for (const side of sides) {
      await step.warm(processes[side].port)
      await step.get(processes[side].port, step.status, 1, 0)
    }
    const rounds: Record<Side, SideMeasure>[] = []
    for (let round = 0; round < TRACE_ROUNDS; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse()
      const measured: Partial<Record<Side, SideMeasure>> = {}
      for (const side of order) {
        const { pid, port } = processes[side]
        const cpuBefore = cpuSeconds(pid)
        const m = await step.get(port, step.status, TRACE_SECONDS, 0)
        measured[side] = { ...m, cpu_us_per_request: round2(((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, m.ok + m.non2xx)) }
      }
      rounds.push(measured as Record<Side, SideMeasure>)
      console.log(`  ${step.label} traces round ${round + 1}: ${order.map((side) => `${side} ${measured[side]!.rps}`).join(', ')}`)
    }
    const ratio = (a: Side, b: Side) => spread(rounds.map((r) => r[a].rps / r[b].rps))
    // CPU a request: b's over a's, so above 1 means a is cheaper, as with req/s.
    const cpuRatio = (a: Side, b: Side) => spread(rounds.map((r) => r[b].cpu_us_per_request / r[a].cpu_us_per_request))
    const medianOf = (side: Side): SideMeasure => {
      const list = rounds.map((r) => r[side])
      return {
        rps: median(list.map((m) => m.rps)),
        ok: list.reduce((s, m) => s + m.ok, 0),
        p50_ms: round2(median(list.map((m) => m.p50_ms))),
        p99_ms: round2(median(list.map((m) => m.p99_ms))),
        non2xx: list.reduce((s, m) => s + m.non2xx, 0),
        errors: list.reduce((s, m) => s + m.errors, 0),
        cpu_us_per_request: round2(median(list.map((m) => m.cpu_us_per_request)))
      }
    }
    return {
      baseline: TRACES_BASELINE,
      off_over_today: ratio('off', 'today'),
      on_1_over_off: ratio('on_1', 'off'),
      on_0_01_over_off: ratio('on_0_01', 'off'),
      cpu_off_over_today: cpuRatio('off', 'today'),
      cpu_on_1_over_off: cpuRatio('on_1', 'off'),
      cpu_on_0_01_over_off: cpuRatio('on_0_01', 'off'),
      sides: { today: medianOf('today'), off: medianOf('off'), on_1: medianOf('on_1'), on_0_01: medianOf('on_0_01') },
      exported: sink.received()
    }
  } finally {
    for (const service of Object.values(processes)) await step.stop(service)
    await sink.close()
  }
}

/** The README's table of the traces step. */
export function tracesTable(rows: { n: number; store: string; cost: TracesCost }[]): string {
  const lines = [
    '| N | store | today (main before traces): req/s (p50 / p99 ms), CPU µs | tracing off | tracing on, 1.0 | tracing on, 0.01 | off / today | on 1.0 / off | on 0.01 / off |',
    '|---|---|---|---|---|---|---|---|---|'
  ]
  const side = (m: SideMeasure) => `${m.rps} (${m.p50_ms} / ${m.p99_ms}), ${m.cpu_us_per_request}`
  const ratio = (s: Spread, cpu: Spread) => `${s.median.toFixed(2)} (${s.min.toFixed(2)} – ${s.max.toFixed(2)}); CPU ${cpu.median.toFixed(2)}`
  for (const { n, store, cost } of rows) {
    lines.push(
      `| ${n} | ${store} | ${side(cost.sides.today)} | ${side(cost.sides.off)} | ${side(cost.sides.on_1)} | ${side(cost.sides.on_0_01)} | ` +
        `${ratio(cost.off_over_today, cost.cpu_off_over_today)} | ${ratio(cost.on_1_over_off, cost.cpu_on_1_over_off)} | ${ratio(cost.on_0_01_over_off, cost.cpu_on_0_01_over_off)} |`
    )
  }
  return lines.join('\n')
}
