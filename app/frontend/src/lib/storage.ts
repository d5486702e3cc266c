import type { Op } from './protocol'

/** The part of the Web Storage API used here, so tests can pass a plain map. */
export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

function readJson(store: KeyValueStore, key: string): unknown {
  const text = store.getItem(key)
  if (text === null) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

const pendingKey = (boardId: string) => `whiteboard:pending:${boardId}`

/** Unsent ops of one board, kept so a reload or a crash does not lose them. */
export function loadPendingOps(store: KeyValueStore, boardId: string): Op[] {
  const value = readJson(store, pendingKey(boardId))
  if (!Array.isArray(value)) return []
  return value.filter(
    (op): op is Op =>
      typeof op === 'object' &&
      op !== null &&
      typeof op.op_id === 'string' &&
      ['add', 'update', 'delete'].includes(op.kind),
  )
}

/** Saves the unsent ops; false when the browser refused (storage full or disabled). */
export function savePendingOps(store: KeyValueStore, boardId: string, ops: readonly Op[]): boolean {
  try {
    if (ops.length === 0) store.removeItem(pendingKey(boardId))
    else store.setItem(pendingKey(boardId), JSON.stringify(ops))
    return true
  } catch {
    return false
  }
}

export interface RecentBoard {
  id: string
  name: string
  token: string
  role: 'edit' | 'view'
  /** Only known to the browser that created the board. */
  viewToken?: string
  openedAt: string
}

const RECENT_KEY = 'whiteboard:recent'
const RECENT_LIMIT = 20

export function loadRecentBoards(store: KeyValueStore): RecentBoard[] {
  const value = readJson(store, RECENT_KEY)
  if (!Array.isArray(value)) return []
  return value.filter(
    (board): board is RecentBoard =>
      typeof board === 'object' &&
      board !== null &&
      typeof board.id === 'string' &&
      typeof board.token === 'string' &&
      typeof board.name === 'string',
  )
}

/** Puts `board` first in the recent list, merging what was known about it. */
export function rememberBoard(store: KeyValueStore, board: RecentBoard): RecentBoard[] {
  const boards = loadRecentBoards(store)
  const previous = boards.find((known) => known.id === board.id)
  // An edit link outranks a view link for the same board.
  const keepPrevious = previous?.role === 'edit' && board.role === 'view'
  const merged: RecentBoard = {
    ...board,
    token: keepPrevious ? previous.token : board.token,
    role: keepPrevious ? 'edit' : board.role,
    viewToken: board.viewToken ?? previous?.viewToken,
  }
  const next = [merged, ...boards.filter((known) => known.id !== board.id)].slice(0, RECENT_LIMIT)
  store.setItem(RECENT_KEY, JSON.stringify(next))
  return next
}

export function forgetBoard(store: KeyValueStore, boardId: string): RecentBoard[] {
  const next = loadRecentBoards(store).filter((known) => known.id !== boardId)
  store.setItem(RECENT_KEY, JSON.stringify(next))
  return next
}

/** A plain in-memory store, for tests and browsers that refuse localStorage. */
export class MemoryStore implements KeyValueStore {
  private values = new Map<string, string>()
  getItem(key: string) {
    return this.values.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.values.set(key, value)
  }
  removeItem(key: string) {
    this.values.delete(key)
  }
}
