import { getStroke } from 'perfect-freehand'
import type { BoardElement, Point, Style } from './protocol'

/** Defaults for new elements, and for sticky notes' paper colour. */
export const DEFAULT_STYLE: Style = {
  stroke: '#1e1e1e',
  fill: 'transparent',
  width: 3,
  font_size: 20,
}
export const STICKY_FILL = '#fff3a0'
export const STICKY_PADDING = 12
export const LINE_HEIGHT = 1.25

/**
 * The filled outline of a freehand stroke, as a closed polygon. Mouse input carries no
 * pressure, so pressure is simulated from speed unless the points carry real values.
 */
export function strokeOutline(points: Point[], width: number): [number, number][] {
  const hasPressure = points.some((point) => point[2] !== undefined && point[2] !== 0.5)
  const input = points.map(([x, y, p]) => [x, y, p ?? 0.5])
  return getStroke(input, {
    size: Math.max(1, width * 2),
    thinning: 0.55,
    smoothing: 0.5,
    streamline: 0.45,
    simulatePressure: !hasPressure,
    last: true,
  }) as [number, number][]
}

/** An SVG path for a polygon, smoothed through the midpoints of its edges. */
export function outlinePath(outline: [number, number][]): string {
  if (outline.length < 3) return ''
  const [first] = outline as [[number, number]]
  const parts = [`M${fmt(first[0])} ${fmt(first[1])}`]
  for (let i = 0; i < outline.length; i++) {
    const [x0, y0] = outline[i] as [number, number]
    const [x1, y1] = outline[(i + 1) % outline.length] as [number, number]
    parts.push(`Q${fmt(x0)} ${fmt(y0)} ${fmt((x0 + x1) / 2)} ${fmt((y0 + y1) / 2)}`)
  }
  parts.push('Z')
  return parts.join(' ')
}

/** The two short lines of an arrowhead at `to`, pointing away from `from`. */
export function arrowHead(
  from: [number, number],
  to: [number, number],
  width: number,
): [[number, number], [number, number]] {
  const angle = Math.atan2(to[1] - from[1], to[0] - from[0])
  const length = Math.max(12, width * 4)
  const spread = Math.PI / 7
  return [
    [to[0] - length * Math.cos(angle - spread), to[1] - length * Math.sin(angle - spread)],
    [to[0] - length * Math.cos(angle + spread), to[1] - length * Math.sin(angle + spread)],
  ]
}

/**
 * Splits text into lines no wider than `maxWidth`, breaking at spaces where it can and
 * inside words that are wider than a whole line. Newlines in the text are kept.
 */
export function wrapText(
  text: string,
  maxWidth: number,
  measure: (line: string) => number,
): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`
      if (measure(candidate) <= maxWidth || (line === '' && measure(word) <= maxWidth)) {
        line = candidate
        continue
      }
      if (line !== '') lines.push(line)
      line = ''
      for (const char of word) {
        if (line !== '' && measure(line + char) > maxWidth) {
          lines.push(line)
          line = ''
        }
        line += char
      }
    }
    lines.push(line)
  }
  return lines
}

/** The lines an element's text is drawn in, given a way to measure text at its font. */
export function textLines(element: BoardElement, measure: (line: string) => number): string[] {
  const text = element.text ?? ''
  if (element.type === 'sticky') {
    return wrapText(text, Math.max(10, element.w - 2 * STICKY_PADDING), measure)
  }
  return text.split('\n')
}

export function fontOf(style: Style): string {
  return `${style.font_size}px "Segoe UI", system-ui, sans-serif`
}

function fmt(value: number): string {
  return Number(value.toFixed(2)).toString()
}
