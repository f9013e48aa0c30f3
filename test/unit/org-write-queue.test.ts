import { describe, expect, it } from 'vitest'
import { OrgWriteQueue } from '../../src/orgs/org-write-queue.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('OrgWriteQueue: the writes to one org one after the other, other orgs side by side', () => {
  it('runs one org’s writes in the order they came, never two at once; a failure is its own and does not stop the next', async () => {
    const queue = new OrgWriteQueue()
    const log: string[] = []
    let running = 0
    let most = 0
    const write = (name: string, fail = false) =>
      queue.run('org_a', async () => {
        running++
        most = Math.max(most, running)
        log.push(`start ${name}`)
        await tick()
        log.push(`end ${name}`)
        running--
        if (fail) throw new Error(`${name} failed`)
        return name
      })
    const results = await Promise.allSettled([write('1'), write('2', true), write('3')])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['1', '2 failed', '3'])
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3'])
    expect(most).toBe(1)
  })

  it('lets writes to other orgs overlap', async () => {
    const queue = new OrgWriteQueue()
    let running = 0
    let most = 0
    const write = (orgId: string) =>
      queue.run(orgId, async () => {
        running++
        most = Math.max(most, running)
        await tick()
        running--
      })
    await Promise.all([write('org_a'), write('org_b'), write('org_c')])
    expect(most).toBe(3)
  })
})
