import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { BASE, createOrg, dropDatabase, startApp, storeNames, type TestApp } from './support/app.js'
import { findPromtool, promtool } from './support/promtool.js'

const OPS = join(import.meta.dirname, '..', 'ops')
const ALERTS = join(OPS, 'prometheus-alerts.yml')
const DASHBOARD = join(OPS, 'grafana-dashboard.json')
// Recorded by Prometheus itself for every target it scrapes, not exposed by the service.
const FROM_PROMETHEUS = new Set(['up'])

/** Every metric name a /metrics text exposes: the samples', and each declared family's series names. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) (\S+)/.exec(line)
    if (declared) {
      const [, name, type] = declared as unknown as [string, string, string]
      names.add(name)
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`)
      if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`)
    } else if (/^[a-zA-Z_:]/.test(line)) {
      names.add(/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0])
    }
  }
  return names
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'])

/** The metric names a PromQL expression (or a Grafana query with its $variables) reads. */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges, subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\{?[\w:]+\}?/g, ' ') // Grafana variables
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ') // numbers
  const names: string[] = []
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?/g)) {
    if (match[1]) continue // a function or an aggregation
    if (!KEYWORDS.has(match[0].toLowerCase())) names.push(match[0])
  }
  return names
}

interface Rule {
  alert: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

const rules = (): Rule[] => (parse(readFileSync(ALERTS, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules)

interface Panel {
  id: number
  type: string
  title: string
  gridPos: { h: number; w: number; x: number; y: number }
  datasource?: { uid: string }
  targets?: { expr: string; datasource?: { uid: string } }[]
}
const dashboard = () =>
  JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[]
    templating: { list: { name: string; type: string; query?: unknown }[] }
  }

describe('the operator page: alert rules and dashboard', () => {
  let exposed: Set<string>
  const apps: TestApp[] = []
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-operating-'))

  // What /metrics exposes on SQLite with the server's backups on, and on PostgreSQL (pool, listener).
  // SQLite always: the dashboard's backup panels read metrics only a SQLite server exposes, and a
  // run on PostgreSQL alone (TEST_STORES=postgres) must still find them.
  beforeAll(async () => {
    exposed = new Set()
    for (const store of new Set(['sqlite' as const, ...storeNames()])) {
      const app = await startApp(store, store === 'sqlite' ? { BACKUP_DIR: dir, BACKUP_INTERVAL: '24h' } : {})
      apps.push(app)
      await createOrg(app, `org_operating_${store}`)
      await app.request({ method: 'GET', url: `${BASE}/org_operating_${store}/status` })
      const res = await app.request({ method: 'GET', url: '/metrics' })
      expect(res.statusCode).toBe(200)
      for (const name of exposedNames(res.body)) exposed.add(name)
    }
  })
  afterAll(async () => {
    for (const app of apps) {
      await app.close()
      await dropDatabase(app.databaseUrl)
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads metric names out of PromQL as an operator writes it', () => {
    expect(metricNamesIn('sum by (instance, le) (rate(x_bucket{route="/a/:b",le!="1"}[5m])) > 0.05')).toEqual(['x_bucket'])
    expect(metricNamesIn('time() - a_seconds > 2 * b_seconds and on (instance) c{state="max"}')).toEqual(['a_seconds', 'b_seconds', 'c'])
    expect(metricNamesIn('process_resident_memory_bytes > 400e6')).toEqual(['process_resident_memory_bytes'])
    expect(metricNamesIn('rate(m_total{instance=~"$instance"}[$__rate_interval]) / ignoring (x) n')).toEqual(['m_total', 'n'])
  })

  it('every alert reads only metrics the service exposes (or up), and says what to do', () => {
    const all = rules()
    expect(all.length).toBeGreaterThanOrEqual(10)
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length)
    for (const rule of all) {
      const names = metricNamesIn(rule.expr)
      expect(names.length, rule.alert).toBeGreaterThan(0)
      for (const name of names) expect(exposed.has(name) || FROM_PROMETHEUS.has(name), `${rule.alert}: ${name} is not in /metrics`).toBe(true)
      expect(['page', 'ticket'], rule.alert).toContain(rule.labels?.severity)
      expect(rule.annotations?.summary, rule.alert).toBeTruthy()
      expect(rule.annotations?.description, rule.alert).toBeTruthy()
    }
  })

  it('the rules are valid Prometheus rules and fire when they should (promtool check and test)', async () => {
    const path = await findPromtool((line) => console.log(line))
    if (path) {
      expect(await promtool(path, ['check', 'rules', ALERTS], OPS)).toMatch(/SUCCESS: \d+ rules found/)
      expect(await promtool(path, ['test', 'rules', 'prometheus-alerts.test.yml'], OPS)).toMatch(/SUCCESS/)
      return
    }
    // No promtool to be had here: at least the shape Prometheus expects, and balanced expressions.
    console.log('promtool is not available: the rules file is checked by parsing it')
    for (const rule of rules()) {
      expect(Object.keys(rule).every((key) => ['alert', 'expr', 'for', 'labels', 'annotations'].includes(key)), rule.alert).toBe(true)
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^\d+[smhdwy]$/)
      let depth = 0
      for (const ch of rule.expr.replace(/"(?:[^"\\]|\\.)*"/g, '')) {
        depth += ch === '(' ? 1 : ch === ')' ? -1 : 0
        expect(depth, rule.alert).toBeGreaterThanOrEqual(0)
      }
      expect(depth, rule.alert).toBe(0)
    }
  }, 300_000)

  it('every dashboard query reads only metrics the service exposes', () => {
    const { panels, templating } = dashboard()
    const charts = panels.filter((p) => p.type !== 'row')
    expect(charts.length).toBeGreaterThanOrEqual(12)
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length)
    const queries: [string, string][] = []
    for (const panel of charts) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0)
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}')
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24)
      for (const target of panel.targets!) queries.push([panel.title, target.expr])
    }
    for (const variable of templating.list.filter((v) => v.type === 'query')) {
      const query = (variable.query as { query: string }).query
      const first = /^label_values\((.*),\s*\w+\)$/.exec(query)
      expect(first, query).not.toBeNull()
      queries.push([`variable ${variable.name}`, first![1]!])
    }
    for (const [where, expr] of queries) {
      const names = metricNamesIn(expr)
      expect(names.length, where).toBeGreaterThan(0)
      for (const name of names) expect(exposed.has(name), `${where}: ${name} is not in /metrics`).toBe(true)
    }
  })
})
