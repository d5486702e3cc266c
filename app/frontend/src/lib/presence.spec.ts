import { describe, expect, it } from 'vitest'
import { applyPresence, sweepPresence, type Presence } from './presence'
import { DEFAULT_STYLE } from './shapes'
import { rect } from './testElements'

const empty = (): Presence => ({ peers: new Map(), liveStrokes: new Map() })
const stroke = (points: [number, number][], clientId = 'c1') => ({
  type: 'stroke' as const,
  client_id: clientId,
  stroke_id: 's1',
  points,
  style: DEFAULT_STYLE,
})

describe('presence', () => {
  it('joins the pieces of a live stroke in order', () => {
    const presence = empty()
    applyPresence(
      presence,
      stroke([
        [0, 0],
        [1, 1],
      ]),
      0,
    )
    applyPresence(
      presence,
      stroke([
        [1, 1],
        [2, 2],
      ]),
      10,
    )
    expect(presence.liveStrokes.get('s1')?.points).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
      [2, 2],
    ])
  })

  it('drops a preview when the finished stroke arrives', () => {
    const presence = empty()
    applyPresence(presence, stroke([[0, 0]]), 0)
    applyPresence(
      presence,
      { type: 'ops', ops: [{ op_id: 'o', kind: 'add', element: rect('s1'), seq: 1 }] },
      5,
    )
    expect(presence.liveStrokes.size).toBe(0)
  })

  it('forgets the cursor and previews of someone who left', () => {
    const presence = empty()
    applyPresence(
      presence,
      { type: 'presence', client_id: 'c1', name: 'Ada', color: '#ff0000', x: 1, y: 2 },
      0,
    )
    applyPresence(presence, stroke([[0, 0]]), 0)
    applyPresence(presence, { type: 'left', client_id: 'c1' }, 1)
    expect(presence.peers.size).toBe(0)
    expect(presence.liveStrokes.size).toBe(0)
  })

  it('hides quiet cursors and previews, keeps recent ones', () => {
    const presence = empty()
    applyPresence(
      presence,
      { type: 'presence', client_id: 'c1', name: 'Ada', color: '#ff0000', x: 1, y: 2 },
      0,
    )
    applyPresence(presence, stroke([[0, 0]], 'c2'), 0)
    sweepPresence(presence, 10_000)
    expect(presence.peers.size).toBe(1)
    expect(presence.liveStrokes.size).toBe(1)
    sweepPresence(presence, 40_000)
    expect(presence.peers.size).toBe(0)
    expect(presence.liveStrokes.size).toBe(0)
  })
})
