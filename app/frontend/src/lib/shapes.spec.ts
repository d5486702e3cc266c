import { describe, expect, it } from 'vitest'
import { arrowHead, outlinePath, strokeOutline, wrapText } from './shapes'

const monospace = (line: string) => line.length * 10

describe('wrapText', () => {
  it('breaks at spaces to fit the width', () => {
    expect(wrapText('one two three four', 100, monospace)).toEqual(['one two', 'three four'])
  })

  it('keeps explicit newlines and empty lines', () => {
    expect(wrapText('a\n\nb', 100, monospace)).toEqual(['a', '', 'b'])
  })

  it('breaks a word longer than a line', () => {
    expect(wrapText('abcdefghij', 40, monospace)).toEqual(['abcd', 'efgh', 'ij'])
  })
})

describe('stroke outline', () => {
  it('produces a closed polygon around the points, wider than a hairline', () => {
    const outline = strokeOutline(
      [
        [0, 0],
        [50, 0],
        [100, 0],
      ],
      4,
    )
    expect(outline.length).toBeGreaterThan(4)
    const ys = outline.map(([, y]) => y)
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(2)
    expect(outlinePath(outline)).toMatch(/^M.* Z$/)
  })
})

describe('arrowHead', () => {
  it('points the barbs back along the line', () => {
    const [left, right] = arrowHead([0, 0], [100, 0], 2)
    expect(left[0]).toBeLessThan(100)
    expect(right[0]).toBeLessThan(100)
    expect(left[1]).toBeCloseTo(-right[1])
  })
})
