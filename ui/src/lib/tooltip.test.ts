import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { installTooltips, TIP_DELAY_MS } from './tooltip'

describe('tooltip', () => {
  let uninstall: () => void
  beforeEach(() => {
    vi.useFakeTimers()
    document.body.innerHTML = '<span id="email" title="alice+desk41@userlogin.test">alice+desk…</span><p id="plain">x</p>'
    uninstall = installTooltips(document)
  })
  afterEach(() => {
    uninstall()
    vi.useRealTimers()
  })
  const tip = () => document.querySelector<HTMLElement>('[role="tooltip"]')
  const hover = (id: string) =>
    document.getElementById(id)?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true, clientX: 10, clientY: 10 }))

  it('shows the full value after the pointer rests, and parks the title so no native tooltip starts', () => {
    hover('email')
    expect(document.getElementById('email')?.hasAttribute('title')).toBe(false)
    expect(tip()?.hidden).toBe(true)
    vi.advanceTimersByTime(TIP_DELAY_MS)
    expect(tip()?.hidden).toBe(false)
    expect(tip()?.textContent).toBe('alice+desk41@userlogin.test')
  })

  it('hides at a key press, which may open a dialog, and never shows over a dialog', () => {
    hover('email')
    vi.advanceTimersByTime(TIP_DELAY_MS)
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', ctrlKey: true }))
    expect(tip()?.hidden).toBe(true)

    document.getElementById('plain')?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }))
    const dialog = document.createElement('div')
    dialog.setAttribute('aria-modal', 'true')
    document.body.appendChild(dialog)
    hover('email')
    vi.advanceTimersByTime(TIP_DELAY_MS)
    expect(tip()?.hidden).toBe(true)
  })

  it('gives the title back when the pointer leaves', () => {
    hover('email')
    document
      .getElementById('email')
      ?.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, relatedTarget: document.getElementById('plain') }))
    expect(document.getElementById('email')?.getAttribute('title')).toBe('alice+desk41@userlogin.test')
    vi.advanceTimersByTime(TIP_DELAY_MS)
    expect(tip()?.hidden).toBe(true)
  })
})
