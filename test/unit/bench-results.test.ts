import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FULL_RUN, saveResults } from '../../bench/results-file.js'

/** A results file as the bench writes it, for these sizes and stores. */
function run(sizes: number[], stores: string[], tag: string) {
  return { tag, sizes: sizes.map((n) => ({ n, stores: Object.fromEntries(stores.map((s) => [s, { tag }])) })) }
}

describe('where npm run bench writes its results', () => {
  let dir: string
  let readme: string
  const README = '# Benchmarks\n\n<!-- results:start -->\nthe full run of yesterday\n<!-- results:end -->\n\n## After\n'

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-results-'))
    readme = join(dir, 'README.md')
    writeFileSync(readme, README)
    writeFileSync(join(dir, '2026-11-25.json'), JSON.stringify(run([1000, 100000], ['sqlite', 'postgres'], 'full')))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('a partial run writes its own file and leaves the full one and the README alone', () => {
    const saved = saveResults(dir, readme, '2026-11-25', { sizes: [1000], stores: ['sqlite'] }, run([1000], ['sqlite'], 'quick'), () => 'table')
    expect(saved).toEqual({ file: join(dir, '2026-11-25-partial-1000-sqlite.json'), readmeUpdated: false })
    expect(JSON.parse(readFileSync(join(dir, '2026-11-25.json'), 'utf8')).tag).toBe('full')
    expect(JSON.parse(readFileSync(saved.file, 'utf8')).tag).toBe('quick')
    expect(readFileSync(readme, 'utf8')).toBe(README)
  })

  it('a second quick run replaces the first quick one, never a fuller file', () => {
    const shape = { sizes: [1000], stores: ['sqlite'] }
    saveResults(dir, readme, '2026-11-25', shape, run([1000], ['sqlite'], 'quick 1'), () => 'table')
    const second = saveResults(dir, readme, '2026-11-25', shape, run([1000], ['sqlite'], 'quick 2'), () => 'table')
    expect(second.file).toBe(join(dir, '2026-11-25-partial-1000-sqlite.json'))
    expect(readdirSync(dir).sort()).toEqual(['2026-11-25-partial-1000-sqlite.json', '2026-11-25.json', 'README.md'])
    // A fuller file under the partial name (written by hand, or by an older bench) is kept too.
    writeFileSync(second.file, JSON.stringify(run([1000], ['sqlite', 'postgres'], 'fuller')))
    const third = saveResults(dir, readme, '2026-11-25', shape, run([1000], ['sqlite'], 'quick 3'), () => 'table')
    expect(third.file).toBe(join(dir, '2026-11-25-partial-1000-sqlite-2.json'))
    expect(JSON.parse(readFileSync(second.file, 'utf8')).tag).toBe('fuller')
  })

  it('a full run writes <day>.json and the README table between the markers, nothing else', () => {
    const saved = saveResults(dir, readme, '2026-11-26', FULL_RUN, run([1000, 100000], ['sqlite', 'postgres'], 'today'), (file) => `from ${file.split('/').pop()}`)
    expect(saved).toEqual({ file: join(dir, '2026-11-26.json'), readmeUpdated: true })
    expect(readFileSync(readme, 'utf8')).toBe(README.replace('the full run of yesterday', 'from 2026-11-26.json'))
    expect(JSON.parse(readFileSync(join(dir, '2026-11-25.json'), 'utf8')).tag).toBe('full')
  })
})
