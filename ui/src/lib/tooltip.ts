// One tooltip for the whole app in place of WebKitGTK's native `title` tooltip, which stays on
// screen when a dialog opens or the screen changes under a pointer that does not move (issue 14).
// Elements keep their `title` (for tests and for anyone reading the DOM); while the pointer is on
// one, the title is parked in `data-tip` so the native tooltip never starts.

/** How long the pointer rests before the tooltip shows, in ms (GTK's own delay is 500). */
export const TIP_DELAY_MS = 500

/** Installs the tooltip on `doc`; returns what uninstalls it. */
export function installTooltips(doc: Document = document): () => void {
  const tip = doc.createElement('div')
  tip.className = 'tooltip'
  tip.setAttribute('role', 'tooltip')
  tip.hidden = true
  doc.body.appendChild(tip)

  let owner: HTMLElement | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let x = 0
  let y = 0

  const hide = () => {
    clearTimeout(timer)
    tip.hidden = true
  }
  const release = () => {
    hide()
    if (owner?.dataset.tip !== undefined) {
      owner.setAttribute('title', owner.dataset.tip)
      delete owner.dataset.tip
    }
    owner = null
  }
  const show = () => {
    if (!owner || !owner.isConnected) return
    // Never over a dialog the element is not part of.
    const modal = doc.querySelector('[aria-modal="true"]')
    if (modal && !modal.contains(owner)) return
    tip.textContent = owner.dataset.tip ?? ''
    if (!tip.textContent) return
    tip.hidden = false
    const view = doc.defaultView
    const width = view?.innerWidth ?? 0
    const height = view?.innerHeight ?? 0
    const box = tip.getBoundingClientRect()
    tip.style.left = `${Math.max(4, Math.min(x + 12, width - box.width - 4))}px`
    tip.style.top = `${y + 20 + box.height > height ? Math.max(4, y - box.height - 8) : y + 20}px`
  }

  const over = (e: MouseEvent) => {
    const el = (e.target as Element | null)?.closest?.('[title], [data-tip]') as HTMLElement | null
    if (el === owner) return
    release()
    if (!el) return
    owner = el
    el.dataset.tip = el.getAttribute('title') ?? el.dataset.tip ?? ''
    el.removeAttribute('title')
    x = e.clientX
    y = e.clientY
    timer = setTimeout(show, TIP_DELAY_MS)
  }
  const out = (e: MouseEvent) => {
    if (owner && !(e.relatedTarget instanceof Node && owner.contains(e.relatedTarget))) release()
  }
  const move = (e: MouseEvent) => {
    x = e.clientX
    y = e.clientY
  }

  doc.addEventListener('mouseover', over)
  doc.addEventListener('mouseout', out)
  doc.addEventListener('mousemove', move, { passive: true })
  // Anything the user does hides it: a key (which may open a dialog), a click, a scroll.
  for (const type of ['keydown', 'mousedown', 'wheel']) doc.addEventListener(type, hide, true)
  doc.addEventListener('scroll', hide, true)
  const blur = () => release()
  doc.defaultView?.addEventListener('blur', blur)

  return () => {
    release()
    doc.removeEventListener('mouseover', over)
    doc.removeEventListener('mouseout', out)
    doc.removeEventListener('mousemove', move)
    for (const type of ['keydown', 'mousedown', 'wheel']) doc.removeEventListener(type, hide, true)
    doc.removeEventListener('scroll', hide, true)
    doc.defaultView?.removeEventListener('blur', blur)
    tip.remove()
  }
}
