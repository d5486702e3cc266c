import { elementBounds, HANDLES, handlePosition, type Rect, type Viewport } from './geometry'
import type { BoardElement, Point, Style } from './protocol'
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

const SELECTION_COLOR = '#2f6fed'
export const HANDLE_SIZE_PX = 9

/** Draws one element in world coordinates (the context is already transformed). */
export function drawElement(ctx: CanvasRenderingContext2D, element: BoardElement): void {
  const { style } = element
  ctx.save()
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'
  ctx.strokeStyle = style.stroke
  ctx.lineWidth = style.width
  switch (element.type) {
    case 'stroke':
      drawFreehand(ctx, element.points ?? [], style)
      break
    case 'rect':
      fillAndStroke(ctx, style, () => ctx.rect(element.x, element.y, element.w, element.h))
      break
    case 'ellipse':
      fillAndStroke(ctx, style, () =>
        ctx.ellipse(
          element.x + element.w / 2,
          element.y + element.h / 2,
          Math.abs(element.w / 2),
          Math.abs(element.h / 2),
          0,
          0,
          Math.PI * 2,
        ),
      )
      break
    case 'line':
    case 'arrow':
      drawLine(ctx, element)
      break
    case 'text':
      drawText(ctx, element, element.x, element.y)
      break
    case 'sticky':
      drawSticky(ctx, element)
      break
  }
  ctx.restore()
}

export function drawFreehand(ctx: CanvasRenderingContext2D, points: Point[], style: Style) {
  if (points.length === 1) {
    const [x, y] = points[0] as Point
    ctx.fillStyle = style.stroke
    ctx.beginPath()
    ctx.arc(x, y, style.width / 2, 0, Math.PI * 2)
    ctx.fill()
    return
  }
  ctx.fillStyle = style.stroke
  ctx.fill(new Path2D(outlinePath(strokeOutline(points, style.width))))
}

function fillAndStroke(ctx: CanvasRenderingContext2D, style: Style, shape: () => void) {
  ctx.beginPath()
  shape()
  if (style.fill !== 'transparent') {
    ctx.fillStyle = style.fill
    ctx.fill()
  }
  if (style.width > 0) ctx.stroke()
}

function drawLine(ctx: CanvasRenderingContext2D, element: BoardElement) {
  const [from, to] = element.points ?? []
  if (from === undefined || to === undefined) return
  ctx.beginPath()
  ctx.moveTo(from[0], from[1])
  ctx.lineTo(to[0], to[1])
  if (element.type === 'arrow') {
    const [left, right] = arrowHead([from[0], from[1]], [to[0], to[1]], element.style.width)
    ctx.moveTo(left[0], left[1])
    ctx.lineTo(to[0], to[1])
    ctx.lineTo(right[0], right[1])
  }
  ctx.stroke()
}

function drawText(ctx: CanvasRenderingContext2D, element: BoardElement, x: number, y: number) {
  ctx.font = fontOf(element.style)
  ctx.fillStyle = element.style.stroke
  ctx.textBaseline = 'top'
  const lineHeight = element.style.font_size * LINE_HEIGHT
  textLines(element, (line) => ctx.measureText(line).width).forEach((line, index) => {
    ctx.fillText(line, x, y + index * lineHeight)
  })
}

function drawSticky(ctx: CanvasRenderingContext2D, element: BoardElement) {
  const box = elementBounds(element)
  ctx.save()
  ctx.shadowColor = 'rgba(0, 0, 0, 0.18)'
  ctx.shadowBlur = 8
  ctx.shadowOffsetY = 3
  ctx.fillStyle = element.style.fill === 'transparent' ? STICKY_FILL : element.style.fill
  ctx.fillRect(box.x, box.y, box.w, box.h)
  ctx.restore()
  ctx.save()
  ctx.beginPath()
  ctx.rect(box.x, box.y, box.w, box.h)
  ctx.clip()
  drawText(ctx, element, box.x + STICKY_PADDING, box.y + STICKY_PADDING)
  ctx.restore()
}

/** A dotted background that moves with the board, so panning is visible. */
export function drawGrid(
  ctx: CanvasRenderingContext2D,
  view: Viewport,
  width: number,
  height: number,
) {
  const spacing = gridSpacing(view.zoom)
  ctx.fillStyle = '#d4d7dd'
  const startX = Math.floor(view.x / spacing) * spacing
  const startY = Math.floor(view.y / spacing) * spacing
  const dot = 1.5 / view.zoom
  for (let x = startX; x < view.x + width / view.zoom; x += spacing) {
    for (let y = startY; y < view.y + height / view.zoom; y += spacing) {
      ctx.fillRect(x - dot / 2, y - dot / 2, dot, dot)
    }
  }
}

function gridSpacing(zoom: number): number {
  let spacing = 24
  while (spacing * zoom < 12) spacing *= 2
  return spacing
}

/** The selection outline, with corner handles when one element can be resized. */
export function drawSelection(
  ctx: CanvasRenderingContext2D,
  box: Rect,
  zoom: number,
  withHandles: boolean,
) {
  const pad = 4 / zoom
  const outer = { x: box.x - pad, y: box.y - pad, w: box.w + 2 * pad, h: box.h + 2 * pad }
  ctx.save()
  ctx.strokeStyle = SELECTION_COLOR
  ctx.lineWidth = 1.5 / zoom
  ctx.setLineDash([5 / zoom, 4 / zoom])
  ctx.strokeRect(outer.x, outer.y, outer.w, outer.h)
  ctx.setLineDash([])
  if (withHandles) {
    const size = HANDLE_SIZE_PX / zoom
    ctx.fillStyle = '#ffffff'
    for (const handle of HANDLES) {
      const at = handlePosition(outer, handle)
      ctx.fillRect(at.x - size / 2, at.y - size / 2, size, size)
      ctx.strokeRect(at.x - size / 2, at.y - size / 2, size, size)
    }
  }
  ctx.restore()
}

/** The rubber band of a drag-to-select. */
export function drawMarquee(ctx: CanvasRenderingContext2D, box: Rect, zoom: number) {
  ctx.save()
  ctx.fillStyle = 'rgba(47, 111, 237, 0.08)'
  ctx.strokeStyle = SELECTION_COLOR
  ctx.lineWidth = 1 / zoom
  ctx.fillRect(box.x, box.y, box.w, box.h)
  ctx.strokeRect(box.x, box.y, box.w, box.h)
  ctx.restore()
}
