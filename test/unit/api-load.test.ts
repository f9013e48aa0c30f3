import { afterEach, describe, expect, it } from 'vitest'
import { ApiLoad, BUSY_BATCH_MS } from '../../src/webhooks/backpressure.js'
import type { PoolStats } from '../../src/db/connect.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('ApiLoad (when deliveries yield to the API)', () => {
  let load: ApiLoad | undefined
  afterEach(() => load?.stop())

  it('is busy while API requests arrive and queries wait for a connection, and not for either alone', async () => {
    let requests = 0
    let pool: PoolStats = { max: 10, total: 10, idle: 0, waiting: 5 }
    load = new ApiLoad(
      () => requests,
      () => pool
    )
    // Queries waiting, but no API request: the deliveries' own work is not load.
    await sleep(250)
    expect(load.busy).toBe(false)
    expect(load.delay(25)).toBe(25)
    // 50 requests every 50 ms (1,000 a second) while queries wait: busy.
    const arriving = setInterval(() => (requests += 50), 50)
    try {
      await sleep(250)
      expect(load.busy).toBe(true)
      expect(load.delay(25)).toBe(BUSY_BATCH_MS)
      // Requests still arriving, nothing waiting, the loop idle: not busy once the hold is over.
      pool = { max: 10, total: 10, idle: 10, waiting: 0 }
      await sleep(1_300)
      expect(load.busy).toBe(false)
    } finally {
      clearInterval(arriving)
    }
    // Queries waiting again, but the requests stopped (a sample later): what counts is requests per
    // sample, not the total so far.
    await sleep(150)
    pool = { max: 10, total: 10, idle: 0, waiting: 5 }
    await sleep(250)
    expect(load.busy).toBe(false)
  })

  it('does not count queries waiting while only the deliveries’ own connections are out', async () => {
    let requests = 0
    load = new ApiLoad(
      () => requests,
      () => ({ max: 10, total: 3, idle: 0, waiting: 2 })
    )
    const arriving = setInterval(() => (requests += 50), 50)
    try {
      await sleep(300)
      expect(load.busy).toBe(false)
    } finally {
      clearInterval(arriving)
    }
  })
})
