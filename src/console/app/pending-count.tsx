import { useEffect, useState } from 'preact/hooks'
import type { Client } from './api'

/** How often the navigation's count is read again while a page stays open. */
const REFRESH_MS = 30_000

/**
 * The number of pending change requests, for the navigation: read on every page change, after
 * each decision made here (`pendingChanged()`), and every 30 s. Nothing is shown when none waits
 * or when this credential may not read change requests.
 */
export function PendingCount({ client, here }: { client: Client; here: string }) {
  const [count, setCount] = useState<number | null>(null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const again = () => setTick((n) => n + 1)
    addEventListener('console:pending-changed', again)
    const timer = setInterval(again, REFRESH_MS)
    return () => {
      removeEventListener('console:pending-changed', again)
      clearInterval(timer)
    }
  }, [])
  useEffect(() => {
    let current = true
    client.listChangeRequests({ state: 'pending' }).then(
      (list) => current && setCount(list.length),
      () => current && setCount(null)
    )
    return () => {
      current = false
    }
  }, [client, here, tick])
  if (!count) return null
  return (
    <>
      {' '}
      <span class="badge count">{count}</span>
      <span class="visually-hidden"> waiting for approval</span>
    </>
  )
}
