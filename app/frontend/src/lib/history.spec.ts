import { describe, expect, it } from 'vitest'
import { History, inversePatch } from './history'
import { rect } from './testElements'

describe('History', () => {
  it('undoes an update with the previous values of the changed fields', () => {
    const history = new History()
    const before = rect('a', { x: 1, y: 2 })
    const patch = { x: 50 }
    const forward = history.record({
      forward: [{ kind: 'update', id: 'a', patch }],
      backward: [{ kind: 'update', id: 'a', patch: inversePatch(before, patch) }],
    })
    expect(forward).toMatchObject([{ kind: 'update', element_id: 'a', patch: { x: 50 } }])

    const undo = history.undo()
    expect(undo).toMatchObject([{ kind: 'update', element_id: 'a', patch: { x: 1 } }])
    expect(undo[0]?.op_id).not.toBe(forward[0]?.op_id)
    expect(history.canRedo).toBe(true)
  })

  it('re-adds a deleted element under a fresh id and follows it afterwards', () => {
    const history = new History()
    const element = rect('a')
    history.record({
      forward: [{ kind: 'add', element }],
      backward: [{ kind: 'delete', id: 'a' }],
    })
    expect(history.undo()).toMatchObject([{ kind: 'delete', element_id: 'a' }])

    const redo = history.redo()
    const readded = redo[0]
    expect(readded?.kind).toBe('add')
    const freshId = readded?.kind === 'add' ? readded.element.id : ''
    expect(freshId).not.toBe('a')
    expect(history.resolve('a')).toBe(freshId)

    expect(history.undo()).toMatchObject([{ kind: 'delete', element_id: freshId }])
  })

  it('forgets redo after a new action', () => {
    const history = new History()
    const action = { forward: [], backward: [] }
    history.record(action)
    history.undo()
    history.record(action)
    expect(history.canRedo).toBe(false)
    expect(history.redo()).toEqual([])
  })

  it('keeps at most its limit of actions', () => {
    const history = new History(2)
    for (let i = 0; i < 3; i++) history.record({ forward: [], backward: [] })
    history.undo()
    history.undo()
    expect(history.canUndo).toBe(false)
  })
})
