import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** The client installs and runs without the server: nothing of Fastify, SQLite, PostgreSQL or the CLI in its tree. */

const ROOT = join(import.meta.dirname, '..')
const CLIENT = join(ROOT, 'packages', 'client')
const SERVER_ONLY = ['fastify', 'better-sqlite3', 'pg', 'kysely', 'typebox', 'commander', 'cli-progress', '@vipps-orgs/cli']

type Manifest = { name: string; dependencies?: Record<string, string>; exports?: unknown; type?: string }
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest

describe('packages/client', () => {
  it('depends on openapi-fetch only, and nothing in its dependency tree is server code', () => {
    const pkg = manifest(CLIENT)
    expect(pkg.type).toBe('module')
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['openapi-fetch'])
    const seen = new Set<string>()
    const walk = (name: string) => {
      if (seen.has(name)) return
      seen.add(name)
      for (const dep of Object.keys(manifest(join(ROOT, 'node_modules', name)).dependencies ?? {})) walk(dep)
    }
    walk('openapi-fetch')
    expect([...seen].filter((name) => SERVER_ONLY.includes(name))).toEqual([])
  })

  it('ships ESM with type declarations that import only each other and openapi-fetch', () => {
    const dist = join(CLIENT, 'dist')
    const files = readdirSync(dist)
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'openapi.d.ts']))
    const specifiers = files
      .filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))
      .flatMap((f) => [...readFileSync(join(dist, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!))
    expect(specifiers.length).toBeGreaterThan(5)
    expect([...new Set(specifiers.filter((s) => !s.startsWith('./')))]).toEqual(['openapi-fetch'])
  })
})
