import { describe, expect, it } from 'vitest'
import { BoardModel } from './boardModel'
import type { AddOp, BoardElement, UpdateOp } from './protocol'
import { applied, rect } from './testElements'

const add = (id: string, opId = `add-${id}`): AddOp => ({
  op_id: opId,
  kind: 'add',
  element: rect(id),
})

const move = (id: string, x: number, opId: string): UpdateOp => ({
  op_id: opId,
  kind: 'update',
  element_id: id,
  patch: { x },
})

describe('BoardModel', () => {
  it('applies server ops in seq order even when they arrive out of order', () => {
    const model = new BoardModel()
    model.loadSnapshot(0, [])
    model.receiveOps([applied(move('a', 50, 'm'), 2, rect('a', { x: 50, version: 2 }))])
    expect(model.elements()).toEqual([])
    expect(model.hasGap).toBe(true)

    model.receiveOps([applied(add('a'), 1, rect('a', { version: 1 }))])
    expect(model.seq).toBe(2)
    expect(model.hasGap).toBe(false)
    expect(model.elements()[0]?.x).toBe(50)
  })

  it('ignores ops it has already applied', () => {
    const model = new BoardModel()
    model.loadSnapshot(3, [rect('a', { x: 7 })])
    const changed = model.receiveOps([applied(move('a', 99, 'old'), 3, rect('a', { x: 99 }))])
    expect(changed).toBe(false)
    expect(model.elements()[0]?.x).toBe(7)
  })

  it('shows pending ops on top of the server state, rebased on newer server changes', () => {
    const model = new BoardModel()
    model.loadSnapshot(1, [rect('a', { x: 0, y: 0 })])
    model.addPending(move('a', 40, 'mine'))

    // Someone else changes another field of the same element meanwhile.
    model.receiveOps([
      {
        op_id: 'theirs',
        kind: 'update',
        element_id: 'a',
        patch: { y: 30 },
        seq: 2,
        element: rect('a', { x: 0, y: 30 }),
      },
    ])
    expect(model.elements()[0]).toMatchObject({ x: 40, y: 30 })
    expect(model.pending).toHaveLength(1)
  })

  it('drops a pending op once its own broadcast is applied', () => {
    const model = new BoardModel()
    model.loadSnapshot(0, [])
    const op = add('a')
    model.addPending(op)
    model.receiveOps([applied(op, 1, rect('a', { version: 1 }))])
    expect(model.pending).toEqual([])
    expect(model.elements()).toHaveLength(1)
  })

  it('keeps an acknowledged op shown until the state reaches its seq', () => {
    const model = new BoardModel()
    model.loadSnapshot(0, [])
    model.addPending(add('a'))
    model.receiveAck([{ op_id: 'add-a', status: 'applied', seq: 1 }])
    expect(model.pending).toHaveLength(1)
    expect(model.elements()).toHaveLength(1)

    model.loadSnapshot(1, [rect('a', { version: 1 })])
    expect(model.pending).toEqual([])
    expect(model.elements()).toHaveLength(1)
  })

  it('treats a duplicate answer like an applied one, so a resent op counts once', () => {
    const model = new BoardModel()
    model.loadSnapshot(5, [rect('a', { version: 1 })])
    model.addPending(add('a'))
    model.receiveAck([{ op_id: 'add-a', status: 'duplicate', seq: 4 }])
    expect(model.pending).toEqual([])
    expect(model.elements()).toHaveLength(1)
  })

  it('drops and reports a rejected op', () => {
    const model = new BoardModel()
    model.loadSnapshot(0, [])
    model.addPending(move('gone', 1, 'late'))
    const rejections = model.receiveAck([
      { op_id: 'late', status: 'rejected', code: 'element_deleted', message: 'deleted' },
    ])
    expect(rejections).toEqual([
      { op: move('gone', 1, 'late'), code: 'element_deleted', message: 'deleted' },
    ])
    expect(model.pending).toEqual([])
  })

  it('keeps pending ops across a snapshot', () => {
    const model = new BoardModel()
    model.loadSnapshot(0, [])
    model.addPending(add('offline'))
    model.loadSnapshot(10, [rect('other', { z: 0 })])
    expect(model.elements().map((element) => element.id)).toEqual(['other', 'offline'])
  })

  it('stacks elements by z', () => {
    const model = new BoardModel()
    model.loadSnapshot(0, [rect('top', { z: 3 }), rect('bottom', { z: 1 })])
    expect(model.elements().map((element) => element.id)).toEqual(['bottom', 'top'])
    expect(model.topZ()).toBe(3)
  })
})

describe('elements from the server', () => {
  it('get default values for fields the server left out', () => {
    const model = new BoardModel()
    const sparse = {
      id: 's',
      type: 'stroke',
      points: [[1, 2]],
      style: { stroke: '#ff0000', fill: 'transparent', width: 2, font_size: null },
      version: 1,
    } as unknown as BoardElement
    model.loadSnapshot(1, [sparse])
    expect(model.elements()[0]).toMatchObject({
      x: 0,
      z: 0,
      style: { stroke: '#ff0000', font_size: 20 },
    })
  })
})
