/**
 * A whole number with its thousands grouped, as the UI's English writes it: "1,234,567", the
 * same as `toLocaleString('en-US')` for every whole number under 1e21. Anything else (a
 * fraction, 1e21 and up, NaN, Infinity) is written as JavaScript writes it, ungrouped but not
 * wrong; the UI passes only counts and offsets.
 * Not `toLocaleString`: in WebKitGTK that loads ICU's number formatting into the web process,
 * 1.7 MiB for as long as the window lives (docs/BENCHMARKS.md, issue 18).
 */
export function grouped(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return String(n)
  const digits = Math.abs(n).toString()
  return (n < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+$)/g, ',')
}
