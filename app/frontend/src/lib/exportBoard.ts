import { elementBounds, unionBounds, type Rect } from './geometry'
import type { BoardElement } from './protocol'
import {
  arrowHead,
  fontOf,
  LINE_HEIGHT,
  outlinePath,
  STICKY_FILL,
  STICKY_PADDING,
  strokeOutline,
  textLines,
} from './shapes'

const EXPORT_PADDING = 32

/** The area an export covers: every element plus a margin, or null for an empty board. */
export function exportArea(elements: readonly BoardElement[]): Rect | null {
  const bounds = unionBounds(elements.map(elementBounds))
  if (bounds === null) return null
  return {
    x: bounds.x - EXPORT_PADDING,
    y: bounds.y - EXPORT_PADDING,
    w: bounds.w + 2 * EXPORT_PADDING,
    h: bounds.h + 2 * EXPORT_PADDING,
  }
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** The board as a standalone SVG document. */
export function boardToSvg(
  elements: readonly BoardElement[],
  measure: (font: string, line: string) => number,
): string {
  const area = exportArea(elements) ?? { x: 0, y: 0, w: 100, h: 100 }
  const body = elements.map((element) => elementToSvg(element, measure)).join('\n')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${area.w}" height="${area.h}"`,
    ` viewBox="${area.x} ${area.y} ${area.w} ${area.h}">`,
    `\n<rect x="${area.x}" y="${area.y}" width="${area.w}" height="${area.h}" fill="#ffffff"/>\n`,
    body,
    '\n</svg>\n',
  ].join('')
}

function elementToSvg(
  element: BoardElement,
  measure: (font: string, line: string) => number,
): string {
  const { style } = element
  const strokeAttrs =
    `stroke="${escapeXml(style.stroke)}" stroke-width="${style.width}" ` +
    'stroke-linecap="round" stroke-linejoin="round"'
  const fill = escapeXml(style.fill === 'transparent' ? 'none' : style.fill)
  switch (element.type) {
    case 'stroke':
      return `<path d="${outlinePath(strokeOutline(element.points ?? [], style.width))}" fill="${escapeXml(style.stroke)}"/>`
    case 'rect': {
      const box = elementBounds(element)
      return `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="${fill}" ${strokeAttrs}/>`
    }
    case 'ellipse': {
      const box = elementBounds(element)
      return `<ellipse cx="${box.x + box.w / 2}" cy="${box.y + box.h / 2}" rx="${box.w / 2}" ry="${box.h / 2}" fill="${fill}" ${strokeAttrs}/>`
    }
    case 'line':
    case 'arrow': {
      const [from, to] = element.points ?? []
      if (from === undefined || to === undefined) return ''
      let d = `M${from[0]} ${from[1]} L${to[0]} ${to[1]}`
      if (element.type === 'arrow') {
        const [left, right] = arrowHead([from[0], from[1]], [to[0], to[1]], style.width)
        d += ` M${left[0]} ${left[1]} L${to[0]} ${to[1]} L${right[0]} ${right[1]}`
      }
      return `<path d="${d}" fill="none" ${strokeAttrs}/>`
    }
    case 'text':
      return textToSvg(element, element.x, element.y, measure)
    case 'sticky': {
      const box = elementBounds(element)
      const paper = escapeXml(style.fill === 'transparent' ? STICKY_FILL : style.fill)
      return (
        `<rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="${paper}"/>` +
        textToSvg(element, box.x + STICKY_PADDING, box.y + STICKY_PADDING, measure)
      )
    }
  }
}

function textToSvg(
  element: BoardElement,
  x: number,
  y: number,
  measure: (font: string, line: string) => number,
): string {
  const font = fontOf(element.style)
  const lineHeight = element.style.font_size * LINE_HEIGHT
  const lines = textLines(element, (line) => measure(font, line))
  const spans = lines
    .map(
      (line, index) => `<tspan x="${x}" y="${y + index * lineHeight}">${escapeXml(line)}</tspan>`,
    )
    .join('')
  return (
    `<text font-family="Segoe UI, system-ui, sans-serif" font-size="${element.style.font_size}" ` +
    `fill="${escapeXml(element.style.stroke)}" dominant-baseline="hanging">${spans}</text>`
  )
}
