// What the UI says about core's background refresher events.
import type { ErrorPayload, RefresherEvent } from './types'

/** The error to show for a refresher event, or null when it went well. */
export function refresherNotice(e: RefresherEvent): ErrorPayload | null {
  switch (e.type) {
    case 'renewed':
      return null
    case 'failed':
      return { code: e.kind ?? 'refresh_failed', message: `${e.account}: ${e.message} (retrying)` }
    case 'stopped':
      return { code: e.kind ?? 'refresh_stopped', message: `${e.account}: ${e.message}. Log in again.` }
    case 'cannot_renew':
      return { code: 'cannot_renew', message: `${e.account} will expire and cannot be refreshed: log in again.` }
  }
}
