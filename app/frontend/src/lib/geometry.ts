import type { BoardElement, ElementPatch, Point } from './protocol'

export interface Vec {
  x: number
  y: number
}

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

/** Where the canvas looks: the world point at the screen's top-left corner, and the zoom. */
export interface Viewport {
  x: number
  y: number
  zoom: number
}

export const MIN_ZOOM = 0.1
export const MAX_ZOOM = 8

export function screenToWorld(view: Viewport, screen: Vec): Vec {
  return { x: view.x + screen.x / view.zoom, y: view.y + screen.y / view.zoom }
}

export function worldToScreen(view: Viewport, world: Vec): Vec {
  return { x: (world.x - view.x) * view.zoom, y: (world.y - view.y) * view.zoom }
}

/** Zooms by `factor` keeping the world point under `screen` where it is. */
export function zoomAt(view: Viewport, screen: Vec, factor: number): Viewport {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom * factor))
  const anchor = screenToWorld(view, screen)
  return { x: anchor.x - screen.x / zoom, y: anchor.y - screen.y / zoom, zoom }
}

export function panBy(view: Viewport, screenDx: number, screenDy: number): Viewport {
  return { ...view, x: view.x - screenDx / view.zoom, y: view.y - screenDy / view.zoom }
}

/** A rectangle with non-negative width and height covering the same area. */
export function normalizeRect(rect: Rect): Rect {
  return {
    x: Math.min(rect.x, rect.x + rect.w),
    y: Math.min(rect.y, rect.y + rect.h),
    w: Math.abs(rect.w),
    h: Math.abs(rect.h),
  }
}

export function rectFromPoints(a: Vec, b: Vec): Rect {
  return normalizeRect({ x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y })
}

function pointsBounds(points: Point[]): Rect {
  if (points.length === 0) return { x: 0, y: 0, w: 0, h: 0 }
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const [x, y] of points) {
    minX = Math.min(minX, x)
    minY = Math.min(minY, y)
    maxX = Math.max(maxX, x)
    maxY = Math.max(maxY, y)
  }
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY }
}

export function usesPoints(element: Pick<BoardElement, 'type'>): boolean {
  return element.type === 'stroke' || element.type === 'line' || element.type === 'arrow'
}

/** The element's box in world units, without the stroke width. */
export function elementBounds(element: BoardElement): Rect {
  if (usesPoints(element)) return pointsBounds(element.points ?? [])
  return normalizeRect(element)
}

export function unionBounds(rects: Rect[]): Rect | null {
  if (rects.length === 0) return null
  const minX = Math.min(...rects.map((r) => r.x))
  const minY = Math.min(...rects.map((r) => r.y))
  const maxX = Math.max(...rects.map((r) => r.x + r.w))
  const maxY = Math.max(...rects.map((r) => r.y + r.h))
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY }
}

export function rectsIntersect(a: Rect, b: Rect): boolean {
  return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h
}

export function distanceToSegment(p: Vec, a: Vec, b: Vec): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const lengthSquared = dx * dx + dy * dy
  const t =
    lengthSquared === 0
      ? 0
      : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared))
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy))
}

function distanceToPolyline(p: Vec, points: Point[]): number {
  if (points.length === 0) return Infinity
  if (points.length === 1) {
    const [x, y] = points[0] as Point
    return Math.hypot(p.x - x, p.y - y)
  }
  let best = Infinity
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1] as Point
    const [bx, by] = points[i] as Point
    best = Math.min(best, distanceToSegment(p, { x: ax, y: ay }, { x: bx, y: by }))
  }
  return best
}

/** Whether `p` touches the element, with `tolerance` world units of slack. */
export function hitTest(element: BoardElement, p: Vec, tolerance: number): boolean {
  if (usesPoints(element)) {
    const reach = element.style.width / 2 + tolerance
    return distanceToPolyline(p, element.points ?? []) <= reach
  }
  const box = normalizeRect(element)
  if (element.type === 'ellipse') {
    const rx = box.w / 2 + tolerance
    const ry = box.h / 2 + tolerance
    const nx = (p.x - (box.x + box.w / 2)) / rx
    const ny = (p.y - (box.y + box.h / 2)) / ry
    return nx * nx + ny * ny <= 1
  }
  return (
    p.x >= box.x - tolerance &&
    p.x <= box.x + box.w + tolerance &&
    p.y >= box.y - tolerance &&
    p.y <= box.y + box.h + tolerance
  )
}

/** The topmost element under `p`, if any. */
export function topmostAt(
  elements: readonly BoardElement[],
  p: Vec,
  tolerance: number,
): BoardElement | null {
  let best: BoardElement | null = null
  for (const element of elements) {
    if (hitTest(element, p, tolerance) && (best === null || element.z >= best.z)) {
      best = element
    }
  }
  return best
}

export function translatePatch(element: BoardElement, dx: number, dy: number): ElementPatch {
  if (usesPoints(element)) {
    return { points: (element.points ?? []).map(([x, y, p]) => pointOf(x + dx, y + dy, p)) }
  }
  return { x: element.x + dx, y: element.y + dy }
}

export type Handle = 'nw' | 'ne' | 'sw' | 'se'

export const HANDLES: readonly Handle[] = ['nw', 'ne', 'sw', 'se']

export function handlePosition(box: Rect, handle: Handle): Vec {
  return {
    x: handle.endsWith('w') ? box.x : box.x + box.w,
    y: handle.startsWith('n') ? box.y : box.y + box.h,
  }
}

/** The box after dragging one of its corners to `to`; the opposite corner stays. */
export function resizeBox(box: Rect, handle: Handle, to: Vec): Rect {
  const opposite = handlePosition(box, oppositeHandle(handle))
  return rectFromPoints(opposite, to)
}

function oppositeHandle(handle: Handle): Handle {
  const vertical = handle[0] === 'n' ? 's' : 'n'
  const horizontal = handle[1] === 'w' ? 'e' : 'w'
  return `${vertical}${horizontal}` as Handle
}

/** The patch that fits the element into `target`, scaling points for point-based types. */
export function fitPatch(element: BoardElement, target: Rect): ElementPatch {
  if (!usesPoints(element)) return { ...target }
  const from = elementBounds(element)
  const sx = from.w === 0 ? 1 : target.w / from.w
  const sy = from.h === 0 ? 1 : target.h / from.h
  const points = (element.points ?? []).map(([x, y, p]) =>
    pointOf(target.x + (x - from.x) * sx, target.y + (y - from.y) * sy, p),
  )
  return { points }
}

export function pointOf(x: number, y: number, pressure?: number): Point {
  return pressure === undefined ? [x, y] : [x, y, pressure]
}

/** Drops points closer than `minDistance` to the previous kept one. */
export function simplifyPoints(points: Point[], minDistance: number): Point[] {
  const kept: Point[] = []
  for (const point of points) {
    const last = kept[kept.length - 1]
    if (last === undefined || Math.hypot(point[0] - last[0], point[1] - last[1]) >= minDistance) {
      kept.push(point)
    }
  }
  const final = points[points.length - 1]
  if (final !== undefined && kept[kept.length - 1] !== final) kept.push(final)
  return kept
}

/** Points a finished stroke may keep, so it fits the server's element size limit. */
export const MAX_STROKE_POINTS = 2000

/**
 * A finished stroke's points, ready to store: rounded to hundredths and thinned until
 * there are at most `maxPoints`, starting from `minDistance` and doubling it.
 */
export function finishStrokePoints(
  points: Point[],
  minDistance: number,
  maxPoints = MAX_STROKE_POINTS,
): Point[] {
  const rounded = points.map(([x, y, p]) =>
    pointOf(round(x, 2), round(y, 2), p === undefined ? undefined : round(p, 3)),
  )
  let distance = minDistance
  let kept = simplifyPoints(rounded, distance)
  while (kept.length > maxPoints) {
    distance *= 2
    kept = simplifyPoints(rounded, distance)
  }
  return kept
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
