// What the UI says about core's background refresher events.
import { kindWords, sentence, type Shown } from './errors'
import type { RefresherEvent } from './types'

/** The notice for a refresher event, or null when it went well: the account's name, then the
 *  same words its own view uses for the failure's kind, then what happens next. */
export function refresherNotice(e: RefresherEvent): Shown | null {
  switch (e.type) {
    case 'renewed':
      return null
    case 'failed':
      return {
        title: `${e.account}: ${e.kind ? kindWords(e.kind) : sentence(e.message)} Retrying.`,
        details: [['Kind', e.kind ?? 'none'], ['Message', e.message], ['Retry at', e.retry_at]],
      }
    case 'stopped':
      return {
        title: `${e.account}: ${e.kind ? kindWords(e.kind) : sentence(e.message)} Log in again.`,
        details: [['Kind', e.kind ?? 'none'], ['Message', e.message]],
      }
    case 'cannot_renew':
      return { title: `${e.account} will expire and cannot be refreshed: log in again.`, details: [['Expires', e.expires_at]] }
  }
}
