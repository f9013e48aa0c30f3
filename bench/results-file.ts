import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** What a run covered: its sizes and stores. */
export interface RunShape {
  sizes: number[]
  stores: string[]
}

/** What `npm run bench` covers with no settings: the only run that rewrites the README's table. */
export const FULL_RUN: RunShape = { sizes: [1_000, 100_000], stores: ['sqlite', 'postgres'] }

/** A day's runs each keep their file: `<base>.json`, then `<base>-2.json`, … (the name, not the path). */
export function newResultsFile(resultsDir: string, base: string): string {
  let file = `${base}.json`
  for (let i = 2; existsSync(join(resultsDir, file)); i++) file = `${base}-${i}.json`
  return file
}

/** `body` in place of what stands between the `<!-- name:start -->` and `<!-- name:end -->` markers of `readme`. */
export function replaceSection(readme: string, name: string, body: string): string {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
  if (!readme.includes(start) || !readme.includes(end)) throw new Error(`bench/README.md has no ${start} … ${end} section`)
  return readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => `${start}\n${body}\n${end}`)
}

/** Whether `a` covers every size and store of `b`. */
export function covers(a: RunShape, b: RunShape): boolean {
  return b.sizes.every((n) => a.sizes.includes(n)) && b.stores.every((s) => a.stores.includes(s))
}

function shapeOfFile(file: string): RunShape | undefined {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { sizes?: { n: number; stores: Record<string, unknown> }[] }
    const sizes = (saved.sizes ?? []).map((s) => s.n)
    const stores = [...new Set((saved.sizes ?? []).flatMap((s) => Object.keys(s.stores)))]
    return { sizes, stores }
  } catch {
    return undefined
  }
}

/**
 * Where a run's figures go. A full run: `<day>.json`, and the README's table. A partial run (fewer
 * sizes or stores, such as the quick `BENCH_SIZES=1000 BENCH_STORES=sqlite`): its own file,
 * `<day>-partial-<sizes>-<stores>.json`, and the README is left alone. Never over a fuller file:
 * if the chosen name holds a run this one does not cover, a numbered name is taken instead.
 */
export function resultsTarget(resultsDir: string, day: string, shape: RunShape): { file: string; updateReadme: boolean } {
  const full = covers(shape, FULL_RUN)
  const base = full ? day : `${day}-partial-${shape.sizes.join('+')}-${shape.stores.join('+')}`
  let file = join(resultsDir, `${base}.json`)
  for (let i = 2; existsSync(file); i++) {
    const existing = shapeOfFile(file)
    if (existing && covers(shape, existing)) break
    file = join(resultsDir, `${base}-${i}.json`)
  }
  return { file, updateReadme: full }
}

/**
 * Writes the run's JSON where resultsTarget says, and (full runs only) the table between the
 * README's result markers. Returns what it wrote.
 */
export function saveResults(
  resultsDir: string,
  readmePath: string,
  day: string,
  shape: RunShape,
  results: unknown,
  readmeSection: (file: string) => string
): { file: string; readmeUpdated: boolean } {
  const { file, updateReadme } = resultsTarget(resultsDir, day, shape)
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  if (updateReadme) {
    writeFileSync(readmePath, replaceSection(readFileSync(readmePath, 'utf8'), 'results', readmeSection(file)))
  }
  return { file, readmeUpdated: updateReadme }
}
