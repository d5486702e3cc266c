import { describe, expect, it } from 'vitest'
import {
  loadPendingOps,
  loadRecentBoards,
  MemoryStore,
  rememberBoard,
  savePendingOps,
} from './storage'
import { rect } from './testElements'

describe('pending op storage', () => {
  it('round-trips pending ops and clears the key when none are left', () => {
    const store = new MemoryStore()
    const ops = [{ op_id: 'o1', kind: 'add' as const, element: rect('a') }]
    savePendingOps(store, 'board', ops)
    expect(loadPendingOps(store, 'board')).toEqual(ops)
    savePendingOps(store, 'board', [])
    expect(store.getItem('whiteboard:pending:board')).toBeNull()
  })

  it('reports a browser that refuses to store them', () => {
    const full = new MemoryStore()
    full.setItem = () => {
      throw new DOMException('quota', 'QuotaExceededError')
    }
    const ops = [{ op_id: 'o1', kind: 'add' as const, element: rect('a') }]
    expect(savePendingOps(full, 'board', ops)).toBe(false)
    expect(savePendingOps(new MemoryStore(), 'board', ops)).toBe(true)
  })

  it('ignores corrupt or foreign data', () => {
    const store = new MemoryStore()
    store.setItem('whiteboard:pending:board', '{not json')
    expect(loadPendingOps(store, 'board')).toEqual([])
    store.setItem('whiteboard:pending:board', JSON.stringify([{ kind: 'explode' }]))
    expect(loadPendingOps(store, 'board')).toEqual([])
  })
})

describe('recent boards', () => {
  const board = {
    id: 'b1',
    name: 'Plan',
    token: 'edit-token',
    role: 'edit' as const,
    viewToken: 'view-token',
    openedAt: '2026-12-04T10:00:00Z',
  }

  it('puts the latest board first without duplicates', () => {
    const store = new MemoryStore()
    rememberBoard(store, board)
    rememberBoard(store, { ...board, id: 'b2' })
    rememberBoard(store, board)
    expect(loadRecentBoards(store).map((known) => known.id)).toEqual(['b1', 'b2'])
  })

  it('does not trade an edit link for a view link of the same board', () => {
    const store = new MemoryStore()
    rememberBoard(store, board)
    rememberBoard(store, { ...board, token: 'view-token', role: 'view', viewToken: undefined })
    expect(loadRecentBoards(store)[0]).toMatchObject({
      token: 'edit-token',
      role: 'edit',
      viewToken: 'view-token',
    })
  })
})
