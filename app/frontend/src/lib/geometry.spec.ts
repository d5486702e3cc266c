import { describe, expect, it } from 'vitest'
import {
  elementBounds,
  finishStrokePoints,
  fitPatch,
  hitTest,
  resizeBox,
  screenToWorld,
  simplifyPoints,
  topmostAt,
  translatePatch,
  worldToScreen,
  zoomAt,
} from './geometry'
import { rect } from './testElements'
import type { BoardElement } from './protocol'

const stroke: BoardElement = {
  ...rect('s'),
  type: 'stroke',
  points: [
    [0, 0, 0.5],
    [10, 0, 0.5],
    [10, 20, 0.5],
  ],
}

describe('viewport', () => {
  it('maps screen to world and back', () => {
    const view = { x: 100, y: -50, zoom: 2 }
    const world = screenToWorld(view, { x: 40, y: 60 })
    expect(world).toEqual({ x: 120, y: -20 })
    expect(worldToScreen(view, world)).toEqual({ x: 40, y: 60 })
  })

  it('keeps the point under the cursor fixed while zooming', () => {
    const view = { x: 10, y: 10, zoom: 1 }
    const screen = { x: 300, y: 200 }
    const before = screenToWorld(view, screen)
    const zoomed = zoomAt(view, screen, 2.5)
    expect(zoomed.zoom).toBe(2.5)
    const after = screenToWorld(zoomed, screen)
    expect(after.x).toBeCloseTo(before.x)
    expect(after.y).toBeCloseTo(before.y)
  })

  it('clamps the zoom', () => {
    expect(zoomAt({ x: 0, y: 0, zoom: 1 }, { x: 0, y: 0 }, 1000).zoom).toBe(8)
    expect(zoomAt({ x: 0, y: 0, zoom: 1 }, { x: 0, y: 0 }, 0.0001).zoom).toBe(0.1)
  })
})

describe('hit testing', () => {
  it('hits a stroke near its path and misses far from it', () => {
    expect(hitTest(stroke, { x: 5, y: 2 }, 1)).toBe(true)
    expect(hitTest(stroke, { x: 5, y: 10 }, 1)).toBe(false)
  })

  it('hits an ellipse inside and misses its box corner', () => {
    const ellipse = rect('e', { type: 'ellipse', w: 100, h: 50 })
    expect(hitTest(ellipse, { x: 50, y: 25 }, 0)).toBe(true)
    expect(hitTest(ellipse, { x: 2, y: 2 }, 0)).toBe(false)
  })

  it('picks the topmost element', () => {
    const low = rect('low', { z: 1 })
    const high = rect('high', { z: 5 })
    expect(topmostAt([high, low], { x: 5, y: 5 }, 0)?.id).toBe('high')
    expect(topmostAt([high, low], { x: 50, y: 50 }, 0)).toBeNull()
  })
})

describe('transforms', () => {
  it('bounds a stroke by its points', () => {
    expect(elementBounds(stroke)).toEqual({ x: 0, y: 0, w: 10, h: 20 })
  })

  it('moves points of a stroke and the corner of a box', () => {
    expect(translatePatch(stroke, 1, 2).points?.[2]).toEqual([11, 22, 0.5])
    expect(translatePatch(rect('r'), 3, 4)).toEqual({ x: 3, y: 4 })
  })

  it('resizes from a corner keeping the opposite corner, even past it', () => {
    const box = { x: 0, y: 0, w: 10, h: 10 }
    expect(resizeBox(box, 'se', { x: 30, y: 20 })).toEqual({ x: 0, y: 0, w: 30, h: 20 })
    expect(resizeBox(box, 'se', { x: -5, y: -5 })).toEqual({ x: -5, y: -5, w: 5, h: 5 })
  })

  it('scales stroke points into a new box', () => {
    const patch = fitPatch(stroke, { x: 0, y: 0, w: 20, h: 40 })
    expect(patch.points).toEqual([
      [0, 0, 0.5],
      [20, 0, 0.5],
      [20, 40, 0.5],
    ])
  })

  it('thins out points closer than the minimum distance but keeps the last one', () => {
    const points: [number, number][] = [
      [0, 0],
      [0.1, 0],
      [5, 0],
      [5.2, 0],
    ]
    expect(simplifyPoints(points, 1)).toEqual([
      [0, 0],
      [5, 0],
      [5.2, 0],
    ])
  })
})

describe('finishing a stroke', () => {
  it('rounds coordinates and keeps short strokes whole', () => {
    const points = finishStrokePoints(
      [
        [0.123456, 1.98765, 0.55555],
        [10.5, 2],
      ],
      0.5,
    )
    expect(points).toEqual([
      [0.12, 1.99, 0.556],
      [10.5, 2],
    ])
  })

  it('thins a long stroke down to the point limit, keeping its ends', () => {
    const long = Array.from({ length: 10_000 }, (_, i): [number, number] => [i * 0.7, Math.sin(i)])
    const points = finishStrokePoints(long, 0.5, 2000)
    expect(points.length).toBeLessThanOrEqual(2000)
    expect(points.length).toBeGreaterThan(500)
    expect(points[0]).toEqual([0, 0])
    expect(points.at(-1)?.[0]).toBeCloseTo(9999 * 0.7, 1)
  })
})
