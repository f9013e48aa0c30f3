import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface PgClientTools {
  major: number
  pgDump: string
  pgRestore: string
}

/**
 * pg_dump and pg_restore of the newest `postgresql-client-NN` that Debian's apt sources offer,
 * unpacked into `cache` (no root needed: `apt-get download` and `dpkg-deb -x`, nothing installed).
 * The shared libraries they need and the machine lacks (libpq5 always) are unpacked beside them,
 * and `bin/pg_dump` and `bin/pg_restore` are wrappers that point the loader at them. When the
 * machine has no package lists (a fresh container), lists are fetched into the cache first.
 * Once unpacked, the newest client in the cache is used without asking apt again.
 */
export async function debianPgClient(cache: string): Promise<PgClientTools> {
  const cached = existsSync(cache)
    ? (await readdir(cache))
        .map((name) => /^client-(\d+)$/.exec(name)?.[1])
        .filter((major) => major !== undefined)
        .map(Number)
        .sort((a, b) => b - a)
    : []
  for (const major of cached) {
    const tools = toolsIn(join(cache, `client-${major}`), major)
    if (existsSync(tools.pgRestore)) return tools
  }
  // Unpacked beside its place and moved there whole, so a run stopped halfway leaves no half a cache.
  const partial = join(cache, `client.partial-${process.pid}`)
  await rm(partial, { recursive: true, force: true })
  const debs = join(partial, 'debs')
  const root = join(partial, 'root')
  await mkdir(debs, { recursive: true })
  try {
    const { apt, major } = await aptWithLists(join(partial, 'apt'))
    const packages = await packagesToFetch(apt, [`postgresql-client-${major}`, 'libpq5'])
    await run('apt-get', [...apt, 'download', ...packages], { cwd: debs })
    for (const deb of await readdir(debs)) await run('dpkg-deb', ['-x', join(debs, deb), root])
    const libraryDirs = [...new Set((await filesUnder(root)).filter((f) => /\.so(\.\d+)*$/.test(f)).map((f) => dirname(f)))]
    await mkdir(join(partial, 'bin'))
    for (const tool of ['pg_dump', 'pg_restore']) {
      const wrapper = join(partial, 'bin', tool)
      await writeFile(
        wrapper,
        [
          '#!/bin/sh',
          `# ${tool} of Debian's postgresql-client-${major}, unpacked by test/support/debian-pg-client.ts`,
          'here="$(cd "$(dirname "$0")/.." && pwd)"',
          `LD_LIBRARY_PATH="${libraryDirs.map((d) => `$here/${relative(partial, d)}`).join(':')}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"`,
          'export LD_LIBRARY_PATH',
          `exec "$here/root/usr/lib/postgresql/${major}/bin/${tool}" "$@"`,
          ''
        ].join('\n')
      )
      await chmod(wrapper, 0o755)
      const { stdout } = await run(wrapper, ['--version'])
      if (!stdout.includes(`(PostgreSQL) ${major}.`)) throw new Error(`${tool} from postgresql-client-${major} says: ${stdout.trim()}`)
    }
    // The debs and any package lists fetched were for this download only.
    await rm(debs, { recursive: true })
    await rm(join(partial, 'apt'), { recursive: true, force: true })
    const dir = join(cache, `client-${major}`)
    await moveIntoPlace(partial, dir)
    return toolsIn(dir, major)
  } finally {
    await rm(partial, { recursive: true, force: true })
  }
}

/** Renames `from` to `to`, unless another run put `to` there first. */
export async function moveIntoPlace(from: string, to: string): Promise<void> {
  try {
    await rename(from, to)
  } catch (error) {
    if (!existsSync(to)) throw error
  }
}

function toolsIn(dir: string, major: number): PgClientTools {
  return { major, pgDump: join(dir, 'bin', 'pg_dump'), pgRestore: join(dir, 'bin', 'pg_restore') }
}

/**
 * apt options that reach package lists, and the newest client major they offer: the machine's
 * lists, or (where they cannot download one) lists fetched into `dir` by an `apt-get update` of
 * the machine's own sources that needs no root.
 */
async function aptWithLists(dir: string): Promise<{ apt: string[]; major: number }> {
  const own = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : []
  const major = await newestClientMajor(own)
  // Installed packages are known without lists; one that can be downloaded needs them.
  const downloadable = async (major: number) =>
    run('apt-get', [...own, '--print-uris', 'download', `postgresql-client-${major}`]).then(
      () => true,
      () => false
    )
  if (major !== undefined && (await downloadable(major))) return { apt: own, major }
  const lists = join(dir, 'lists')
  const archives = join(dir, 'cache')
  await mkdir(join(lists, 'partial'), { recursive: true })
  await mkdir(join(archives, 'archives', 'partial'), { recursive: true })
  const apt = [...own, '-o', `Dir::State::Lists=${lists}`, '-o', `Dir::Cache=${archives}`, '-o', 'Debug::NoLocking=1']
  await run('apt-get', [...apt, '-q', 'update'], { maxBuffer: 16 * 1024 * 1024 })
  const fetched = await newestClientMajor(apt)
  if (fetched === undefined) throw new Error("apt's sources offer no postgresql-client-NN package")
  return { apt, major: fetched }
}

async function newestClientMajor(apt: string[]): Promise<number | undefined> {
  const { stdout } = await run('apt-cache', [...apt, 'search', '--names-only', '^postgresql-client-[0-9]+$']).catch(() => ({ stdout: '' }))
  const majors = [...stdout.matchAll(/^postgresql-client-(\d+) /gm)].map((m) => Number(m[1]))
  return majors.length ? Math.max(...majors) : undefined
}

/** `wanted`, and the libraries in their dependency closure that the machine has not installed. */
async function packagesToFetch(apt: string[], wanted: string[]): Promise<string[]> {
  const { stdout } = await run('apt-cache', [
    ...apt,
    'depends',
    '--recurse',
    '--no-recommends',
    '--no-suggests',
    '--no-conflicts',
    '--no-breaks',
    '--no-replaces',
    '--no-enhances',
    ...wanted
  ])
  const libraries = [...new Set(stdout.split('\n').filter((l) => /^lib[\w.+-]+$/.test(l)))].filter((p) => !wanted.includes(p))
  const installed = await installedOf(libraries)
  return [...wanted, ...libraries.filter((p) => !installed.has(p))]
}

async function installedOf(packages: string[]): Promise<Set<string>> {
  if (packages.length === 0) return new Set()
  // dpkg-query exits non-zero when it knows some of the names not at all; what it printed still holds.
  const stdout = await run('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Status}\n', ...packages]).then(
    (r) => r.stdout,
    (e: { stdout?: string }) => e.stdout ?? ''
  )
  return new Set(stdout.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0]!))
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => join(e.parentPath, e.name))
}
