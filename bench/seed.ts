/** Seeding the service through its API, and reading every org once: shared by the benchmarks. */
import { autocannonLoad } from './load.js'
import { BASE, benchOrg, benchOrgId } from './orgs.js'

/** One org in ten has Vipps switched off, so every value of the vipps_enabled filter has matches. */
export const seedBody = (i: number) => ({ ...benchOrg(i), vipps_enabled: i % 10 !== 9 })

/** The service's settings in a benchmark of `size` orgs. */
export function serviceEnv(databaseUrl: string, size: number): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    // Room for every org, and no expiry during the run: the hot reads are measured warm.
    CACHE_MAX_ENTRIES: String(Math.max(size * 2, 1000)),
    // 4 KiB an entry: more than a bench org's config takes (about 0.55 KiB), so the entries bound it.
    CACHE_MAX_BYTES: String(Math.max(size * 2, 1000) * 4096),
    CACHE_TTL_MS: '0'
  }
}

/** Creates orgs 0 … size-1 through the API at 64 connections; returns the creates per second. */
export async function seedOrgs(port: number, size: number, label: string): Promise<number> {
  let seeded = 0
  const started = performance.now()
  // A long timeout: on a loaded machine a commit can wait seconds for the disk.
  const seed = await autocannonLoad(port, () => ({ method: 'POST', path: BASE, body: JSON.stringify(seedBody(seeded++)) }), 0, size, 120)
  const seconds = (performance.now() - started) / 1000
  if (seed.non2xx > 0 || seed.errors > 0) {
    // Timed out on the client side (the create may still have committed): fill the gaps one by one.
    console.warn(`  ${label}: seeding had ${seed.non2xx} non-2xx and ${seed.errors + seed.timeouts} errors; filling the gaps`)
    for (let i = 0; i < size; i++) {
      const res = await fetch(`http://127.0.0.1:${port}${BASE}/${benchOrgId(i)}/status`)
      await res.text()
      if (res.status === 404) {
        const created = await fetch(`http://127.0.0.1:${port}${BASE}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seedBody(i)) })
        if (created.status !== 201 && created.status !== 409) throw new Error(`seeding ${label} failed: ${created.status} for org ${i}`)
      }
    }
  }
  return Math.round(size / seconds)
}

/** Reads every org's status and config once (the hot reads are measured warm), with `headers` (a credential) if given. */
export async function readEveryOrg(port: number, size: number, headers?: Record<string, string>) {
  let read = 0
  const next = () => {
    const i = read++
    return { method: 'GET', path: i < size ? `${BASE}/${benchOrgId(i)}/status` : `${BASE}/${benchOrgId(i - size)}`, ...(headers ? { headers } : {}) }
  }
  await autocannonLoad(port, next, 0, 2 * size)
}
