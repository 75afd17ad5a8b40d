import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render } from '@testing-library/svelte'
import { createRawSnippet } from 'svelte'
import Dialog from './Dialog.svelte'

afterEach(cleanup)

const body = createRawSnippet(() => ({
  render: () => '<div><input data-x="name" /><button type="button">Cancel</button><button type="button" class="primary">Save</button></div>',
}))

function open() {
  const outside = document.createElement('button')
  outside.textContent = 'behind'
  document.body.append(outside)
  const onclose = vi.fn()
  const view = render(Dialog, { title: 'Edit', onclose, children: body })
  return { view, onclose, outside }
}

describe('Dialog', () => {
  it('starts on its first field and keeps Tab inside, both ways', async () => {
    const { view } = open()
    const input = view.container.querySelector<HTMLElement>('[data-x="name"]')!
    const save = view.getByText('Save')
    expect(document.activeElement).toBe(input)
    await fireEvent.keyDown(input, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(save)
    await fireEvent.keyDown(save, { key: 'Tab' })
    expect(document.activeElement).toBe(input)
  })

  it('takes the focus back when it lands on the page behind', async () => {
    const { view, outside } = open()
    outside.focus()
    expect(document.activeElement).toBe(view.container.querySelector('[data-x="name"]'))
  })

  it('closes on Escape', async () => {
    const { view, onclose } = open()
    await fireEvent.keyDown(view.container.querySelector('[data-x="name"]')!, { key: 'Escape' })
    expect(onclose).toHaveBeenCalledOnce()
  })
})
