import { randomId } from './ids'
import type { BoardElement, ElementPatch, Op } from './protocol'

/** A change described by element id, turned into ops with fresh op ids when run. */
export type Change =
  | { kind: 'add'; element: BoardElement }
  | { kind: 'update'; id: string; patch: ElementPatch }
  | { kind: 'delete'; id: string }

/** One user action: what it did, and what undoes it. */
export interface Action {
  forward: Change[]
  backward: Change[]
}

/**
 * Undo and redo of this client's own actions.
 *
 * The server never accepts an id again once it was deleted, so re-adding a deleted
 * element (undoing a delete, redoing an add) gives it a fresh id. The aliases remember
 * that, so older entries that name the old id still reach the element.
 */
export class History {
  private undoStack: Action[] = []
  private redoStack: Action[] = []
  private aliases = new Map<string, string>()
  private deletedIds = new Set<string>()

  constructor(private readonly limit = 200) {}

  get canUndo(): boolean {
    return this.undoStack.length > 0
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0
  }

  /** Records an action the user just did and returns its ops. */
  record(action: Action): Op[] {
    this.undoStack.push(action)
    if (this.undoStack.length > this.limit) this.undoStack.shift()
    this.redoStack = []
    return this.toOps(action.forward)
  }

  undo(): Op[] {
    const action = this.undoStack.pop()
    if (action === undefined) return []
    this.redoStack.push(action)
    return this.toOps(action.backward)
  }

  redo(): Op[] {
    const action = this.redoStack.pop()
    if (action === undefined) return []
    this.undoStack.push(action)
    return this.toOps(action.forward)
  }

  /** The id an element now has, following re-adds. */
  resolve(id: string): string {
    let current = id
    for (let seen = 0; this.aliases.has(current) && seen < 1000; seen++) {
      current = this.aliases.get(current) as string
    }
    return current
  }

  private toOps(changes: Change[]): Op[] {
    return changes.map((change) => {
      const op_id = randomId()
      if (change.kind === 'add') {
        let id = this.resolve(change.element.id)
        if (this.deletedIds.has(id)) {
          const fresh = randomId()
          this.aliases.set(id, fresh)
          id = fresh
        }
        // The server sets `version`; a re-added element starts over at 1.
        const { version: _version, ...element } = change.element
        return { op_id, kind: 'add', element: { ...element, id } }
      }
      const element_id = this.resolve(change.id)
      if (change.kind === 'delete') {
        this.deletedIds.add(element_id)
        return { op_id, kind: 'delete', element_id }
      }
      return { op_id, kind: 'update', element_id, patch: change.patch }
    })
  }
}

/** The patch that puts back the fields `patch` is about to change. */
export function inversePatch(before: BoardElement, patch: ElementPatch): ElementPatch {
  const inverse: Record<string, unknown> = {}
  for (const key of Object.keys(patch)) {
    inverse[key] = structuredClone((before as unknown as Record<string, unknown>)[key])
  }
  return inverse as ElementPatch
}
