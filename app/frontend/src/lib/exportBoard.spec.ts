import { describe, expect, it } from 'vitest'
import { boardToSvg, exportArea } from './exportBoard'
import { rect } from './testElements'

const measure = (_font: string, line: string) => line.length * 10

describe('SVG export', () => {
  it('covers every element with a margin', () => {
    const area = exportArea([rect('a', { x: 0, y: 0, w: 10, h: 10 }), rect('b', { x: 90, y: 40 })])
    expect(area).toEqual({ x: -32, y: -32, w: 164, h: 114 })
    expect(exportArea([])).toBeNull()
  })

  it('writes each element type and escapes text instead of interpreting it', () => {
    const svg = boardToSvg(
      [
        rect('r'),
        rect('e', { type: 'ellipse' }),
        rect('t', { type: 'text', text: '<script>alert(1)</script>' }),
        rect('s', { type: 'sticky', w: 200, h: 200, text: 'buy milk & eggs' }),
        rect('a', {
          type: 'arrow',
          points: [
            [0, 0],
            [50, 50],
          ],
        }),
        rect('p', {
          type: 'stroke',
          points: [
            [0, 0],
            [10, 5],
            [20, 0],
          ],
        }),
      ],
      measure,
    )
    expect(svg).toContain('<ellipse')
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('buy milk &amp; eggs')
    expect(svg.match(/<path /g)).toHaveLength(2)
  })
})
