// What the UI says about core's background refresher events.
import type { ErrorPayload, RefresherEvent } from './types'

/** The error to show for a refresher event, or null when it went well. The codes are core's
 *  (`refused`: a renewal the server or the network refused, retried; `session_expired`: it
 *  needs the user), so the UI's words for them apply. */
export function refresherNotice(e: RefresherEvent): ErrorPayload | null {
  switch (e.type) {
    case 'renewed':
      return null
    case 'failed':
      return { code: 'refused', message: `${e.account}: ${e.message} (retrying)` }
    case 'stopped':
      return { code: 'session_expired', message: `${e.account}: ${e.message}. Log in again.` }
    case 'cannot_renew':
      return { code: 'session_expired', message: `${e.account} will expire and cannot be refreshed: log in again.` }
  }
}
