import { useRef, useState } from 'preact/hooks'
import { type ChangeRequest, type ChangeRequestState, ProblemError } from './api'
import { ChangeList } from './changes'
import {
  ActorName,
  ConfirmDialog,
  ErrorBox,
  fieldErrors,
  formatTime,
  Link,
  Loading,
  mayDecide,
  navigate,
  Page,
  pendingChanged,
  PREFIX,
  sameActor,
  setFlash,
  takeFlash,
  useLoad,
  useSession
} from './ui'

/**
 * Change requests (four eyes, APPROVALS=production): a production org's login settings change
 * only when a second person approves. The list of pending ones (the navigation counts them), and
 * one request with its diff, to approve, reject with a reason, or (its requester) withdraw.
 */

export const REQUESTS = `${PREFIX}/requests`
const STATES: Array<ChangeRequestState | 'all'> = ['pending', 'approved', 'rejected', 'withdrawn', 'stale', 'expired', 'all']
const REASON_MAX = 500

export function requestHref(id: string): string {
  return `${REQUESTS}/${encodeURIComponent(id)}`
}

const OPERATION: Record<ChangeRequest['operation'], string> = { create: 'Create', update: 'Change', delete: 'Delete' }

/** “Change of org_x”, “Create org_x”. */
function summary(request: ChangeRequest): string {
  return request.operation === 'update' ? `Change of ${request.org_id}` : `${OPERATION[request.operation]} ${request.org_id}`
}

/** The request's diff; a delete has no field to show. */
function RequestChanges({ request }: { request: ChangeRequest }) {
  if (request.operation === 'delete') return <p>Deletes the organization’s configuration (its history is kept).</p>
  return <ChangeList changes={request.changes} />
}

export function RequestsPage({ url }: { url: URL }) {
  const { client } = useSession()
  const params = url.searchParams
  const state = (STATES as string[]).includes(params.get('state') ?? '') ? (params.get('state') as ChangeRequestState | 'all') : 'pending'
  const orgId = params.get('org_id') ?? ''
  const [flash] = useState(takeFlash)
  const [result, retry] = useLoad(`requests${url.search}`, () => client.listChangeRequests({ state, ...(orgId ? { org_id: orgId } : {}) }))
  const go = (next: string) => {
    const query = new URLSearchParams(params)
    if (next === 'pending') query.delete('state')
    else query.set('state', next)
    const text = query.toString()
    navigate(`${REQUESTS}${text ? `?${text}` : ''}`)
  }
  const count = result.state === 'done' ? result.value.length : 0
  return (
    <Page title="Pending changes">
      {flash ? (
        <p class="flash" role="status">
          {flash}
        </p>
      ) : null}
      <p class="help">
        Changes to a production organization’s login settings wait here until a second person approves them. Turning Vipps login off is never held.
      </p>
      <form class="filters" aria-label="Show change requests" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="filter-state">State</label>
          <select id="filter-state" value={state} onChange={(e) => go(e.currentTarget.value)}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? 'Any state' : s}
              </option>
            ))}
          </select>
        </div>
      </form>
      {orgId ? (
        <p>
          Only <span class="mono">{orgId}</span>. <Link href={state === 'pending' ? REQUESTS : `${REQUESTS}?state=${state}`}>Show every organization</Link>
        </p>
      ) : null}
      {result.state === 'loading' ? <Loading what="change requests" /> : null}
      {result.state === 'error' ? <ErrorBox error={result.error} retry={retry} title="Could not load the change requests" /> : null}
      {result.state === 'done' ? (
        <>
          <p class="count" role="status">
            {count === 0
              ? state === 'pending'
                ? 'Nothing waits for approval.'
                : 'No change request in this state.'
              : `${count} change request${count === 1 ? '' : 's'}${state === 'pending' ? ' waiting for approval' : ''}.`}
          </p>
          <ul class="requests">
            {result.value.map((request) => (
              <li key={request.id} class="card request">
                <h2>
                  <Link href={requestHref(request.id)}>{summary(request)}</Link>
                </h2>
                <p>
                  Asked by <ActorName actor={request.requested_by} /> at <time dateTime={request.requested_at}>{formatTime(request.requested_at)}</time>
                  {' · '}
                  <StateBadge request={request} />
                </p>
                <RequestChanges request={request} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Page>
  )
}

function StateBadge({ request }: { request: ChangeRequest }) {
  return <span class={`badge state-${request.state}`}>{request.state}</span>
}

/** What the service's refusal of a decision means, said for the person who clicked. */
function decisionMessage(error: unknown): string | null {
  if (!(error instanceof ProblemError)) return null
  if (error.code === 'self_approval') return 'You asked for this change: another person must approve or reject it.'
  if (error.code === 'change_request_stale') {
    return 'The organization changed after this request was made, so it was not applied (the request is now stale). Ask again from its current configuration.'
  }
  if (error.code === 'change_request_closed') return 'This request was already decided, withdrawn or expired: here is how it stands now.'
  return null
}

export function RequestPage({ id }: { id: string }) {
  const { client, me } = useSession()
  const [flash, setFlashHere] = useState<string | null>(takeFlash)
  const [result, reload] = useLoad(`request:${id}`, () => client.getChangeRequest(id))
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<unknown>(null)
  const [confirmApprove, setConfirmApprove] = useState(false)
  const [rejecting, setRejecting] = useState(false)
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState<string | null>(null)
  const reasonRef = useRef<HTMLTextAreaElement>(null)

  /** Runs a decision; the page then shows the request as it now stands. */
  const decide = async (run: () => Promise<ChangeRequest>, done: (request: ChangeRequest) => void) => {
    setBusy(true)
    setFailure(null)
    try {
      done(await run())
      pendingChanged()
    } catch (error) {
      const byField = fieldErrors(error)
      if (byField.reason) {
        setReasonError(byField.reason)
        requestAnimationFrame(() => reasonRef.current?.focus())
      } else setFailure(error)
      // A stale or closed request changed state: show it as it is.
      if (error instanceof ProblemError && error.status === 409) pendingChanged()
    } finally {
      setBusy(false)
      reload()
    }
  }

  const approve = () => {
    setConfirmApprove(false)
    void decide(
      () => client.approveChangeRequest(id),
      (request) => setFlashHere(`Approved: ${summary(request).toLowerCase()} is applied.`)
    )
  }

  const reject = () => {
    const text = reason.trim()
    if (text.length < 1 || text.length > REASON_MAX) {
      setReasonError(text.length < 1 ? 'Say why the change is rejected (the requester reads it)' : `At most ${REASON_MAX} characters`)
      requestAnimationFrame(() => reasonRef.current?.focus())
      return
    }
    setReasonError(null)
    void decide(
      () => client.rejectChangeRequest(id, text),
      () => {
        setRejecting(false)
        setFlashHere('Rejected: nothing was applied.')
      }
    )
  }

  const withdraw = () =>
    void decide(
      () => client.withdrawChangeRequest(id),
      () => {
        setFlash('Withdrawn: nothing was applied.')
        navigate(REQUESTS)
      }
    )

  if (result.state === 'loading') {
    return (
      <Page title="Change request">
        <Loading what="the change request" />
      </Page>
    )
  }
  if (result.state === 'error') {
    const notFound = result.error instanceof ProblemError && result.error.status === 404
    return (
      <Page title="Change request">
        <ErrorBox error={result.error} retry={notFound ? undefined : reload} title={notFound ? 'No such change request' : 'Could not load'} />
        <p>
          <Link href={REQUESTS}>Back to pending changes</Link>
        </p>
      </Page>
    )
  }
  const request = result.value
  const mine = sameActor(me?.actor, request.requested_by)
  const decider = mayDecide(me, request.org_id)
  const pending = request.state === 'pending'
  const explained = decisionMessage(failure)

  return (
    <Page title={summary(request)}>
      <p>
        <Link href={REQUESTS}>Back to pending changes</Link>
      </p>
      {flash ? (
        <p class="flash" role="status">
          {flash}
        </p>
      ) : null}
      {failure ? (
        explained ? (
          <div class="error-box" role="alert">
            <p>
              <strong>Not done</strong>
            </p>
            <p>{explained}</p>
          </div>
        ) : (
          <ErrorBox error={failure} title="Not done" />
        )
      ) : null}

      <section aria-labelledby="request-heading" class="card">
        <h2 id="request-heading">The change</h2>
        <RequestChanges request={request} />
        <dl class="fields">
          <dt>Organization</dt>
          <dd>
            {request.operation === 'create' && pending ? (
              <span class="mono">{request.org_id}</span>
            ) : (
              <Link href={`${PREFIX}/orgs/${encodeURIComponent(request.org_id)}`}>{request.org_id}</Link>
            )}
          </dd>
          <dt>State</dt>
          <dd>
            <StateBadge request={request} />
          </dd>
          <dt>Asked by</dt>
          <dd>
            <ActorName actor={request.requested_by} />
          </dd>
          <dt>Asked at</dt>
          <dd>
            <time dateTime={request.requested_at}>{formatTime(request.requested_at)}</time>
          </dd>
          {pending ? (
            <>
              <dt>Expires</dt>
              <dd>
                <time dateTime={request.expires_at}>{formatTime(request.expires_at)}</time>
              </dd>
            </>
          ) : null}
          {request.decided_by ? (
            <>
              <dt>{request.state === 'approved' ? 'Approved by' : request.state === 'rejected' ? 'Rejected by' : 'Closed by'}</dt>
              <dd>
                <ActorName actor={request.decided_by} />
              </dd>
            </>
          ) : null}
          {request.decided_at ? (
            <>
              <dt>Decided at</dt>
              <dd>
                <time dateTime={request.decided_at}>{formatTime(request.decided_at)}</time>
              </dd>
            </>
          ) : null}
          {request.reason ? (
            <>
              <dt>Reason</dt>
              <dd>{request.reason}</dd>
            </>
          ) : null}
          {request.comment ? (
            <>
              <dt>Comment</dt>
              <dd>{request.comment}</dd>
            </>
          ) : null}
          <dt>Made on version</dt>
          <dd>{request.base_version}</dd>
          <dt>Request id</dt>
          <dd class="mono">{request.id}</dd>
        </dl>
      </section>

      {pending && mine ? (
        <section aria-labelledby="mine-heading" class="card">
          <h2 id="mine-heading">Your request</h2>
          <p>You asked for this change: another person must approve it. Until then the organization is unchanged.</p>
          <div class="buttons">
            <button type="button" disabled={busy} onClick={withdraw}>
              Withdraw request
            </button>
          </div>
        </section>
      ) : null}

      {pending && !mine && !decider ? (
        <p class="help">An editor or admin of {request.org_id} other than the person who asked approves or rejects it.</p>
      ) : null}

      {pending && !mine && decider ? (
        <section aria-labelledby="decide-heading" class="card">
          <h2 id="decide-heading">Decide</h2>
          <p>Approving applies the change at once, if the organization is still as it was when the change was asked for.</p>
          <div class="buttons">
            <button type="button" class="primary" disabled={busy} onClick={() => setConfirmApprove(true)}>
              Approve
            </button>
            {!rejecting ? (
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setRejecting(true)
                  requestAnimationFrame(() => reasonRef.current?.focus())
                }}
              >
                Reject…
              </button>
            ) : null}
          </div>
          {rejecting ? (
            <form
              class="reject"
              noValidate
              aria-label="Reject the change"
              onSubmit={(e) => {
                e.preventDefault()
                reject()
              }}
            >
              <div class={`field${reasonError ? ' invalid' : ''}`}>
                <label for="reject-reason">Reason</label>
                <textarea
                  id="reject-reason"
                  ref={reasonRef}
                  rows={3}
                  maxLength={REASON_MAX}
                  required
                  value={reason}
                  aria-describedby={`reject-reason-help${reasonError ? ' reject-reason-error' : ''}`}
                  aria-invalid={reasonError ? 'true' : undefined}
                  onInput={(e) => setReason(e.currentTarget.value)}
                />
                <p class="help" id="reject-reason-help">
                  Why the change is rejected, for the person who asked (1–{REASON_MAX} characters; {REASON_MAX - reason.length} left).
                </p>
                {reasonError ? (
                  <p class="field-error" id="reject-reason-error">
                    {reasonError}
                  </p>
                ) : null}
              </div>
              <div class="buttons">
                <button type="submit" class="danger" disabled={busy}>
                  Reject change
                </button>
                <button type="button" onClick={() => (setRejecting(false), setReasonError(null))}>
                  Cancel
                </button>
              </div>
            </form>
          ) : null}
        </section>
      ) : null}

      <ConfirmDialog
        open={confirmApprove}
        title={`Approve and apply: ${summary(request).toLowerCase()}?`}
        confirmLabel="Approve and apply"
        onConfirm={approve}
        onCancel={() => setConfirmApprove(false)}
      >
        <p>The change applies at once, in production:</p>
        <RequestChanges request={request} />
      </ConfirmDialog>
    </Page>
  )
}
