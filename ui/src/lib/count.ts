/**
 * A whole number with its thousands grouped, as the UI's English writes it: "1,234,567".
 * Not `toLocaleString`: in WebKitGTK that loads ICU's number formatting, about 1.5 MiB of the
 * web process for as long as the window lives (docs/BENCHMARKS.md, issue 18).
 */
export function grouped(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const sign = n < 0 ? '-' : ''
  const digits = Math.trunc(Math.abs(n)).toString()
  // Past 1e21 toString() gives an exponent; it has no digits to group.
  if (!/^\d+$/.test(digits)) return sign + digits
  return sign + digits.replace(/\B(?=(\d{3})+$)/g, ',')
}
