import { describe, expect, it } from 'vitest'
import { fireEvent, render } from '@testing-library/svelte'
import ErrorNotice from './ErrorNotice.svelte'
import { showFailure } from '../lib/errors'

describe('ErrorNotice', () => {
  it('shows plain words first and the status, code and message only after Details', async () => {
    const shown = showFailure({ kind: 'account_inactive', http_status: 401, error_code: 'USER_INACTIVE', message: 'inactive', retry_after_secs: null })
    const view = render(ErrorNotice, { shown })
    expect(view.getByRole('alert').textContent).toContain('The account is inactive.')
    expect(view.queryByText('USER_INACTIVE')).toBeNull()
    await fireEvent.click(view.getByRole('button', { name: 'Details' }))
    expect(view.getByText('USER_INACTIVE')).toBeTruthy()
    expect(view.getByText('401')).toBeTruthy()
    expect(view.getByRole('alert').textContent).not.toContain('{')
  })
})
