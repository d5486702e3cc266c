import type { Ref } from 'vue'
import type { Action } from '../lib/history'
import { inversePatch } from '../lib/history'
import type { BoardElement, ElementPatch } from '../lib/protocol'

/** Turns edits of whole elements into undoable actions. */
export function useEditing(
  elements: Ref<BoardElement[]>,
  perform: (action: Action) => void,
  topZ: () => number,
) {
  function find(id: string) {
    return elements.value.find((element) => element.id === id)
  }

  function add(element: BoardElement) {
    const placed = { ...element, z: topZ() + 1 }
    perform({
      forward: [{ kind: 'add', element: placed }],
      backward: [{ kind: 'delete', id: placed.id }],
    })
  }

  /** Applies one patch per element id, skipping elements that no longer exist. */
  function update(patches: Map<string, ElementPatch>) {
    const action: Action = { forward: [], backward: [] }
    for (const [id, patch] of patches) {
      const before = find(id)
      if (before === undefined) continue
      action.forward.push({ kind: 'update', id, patch })
      action.backward.unshift({ kind: 'update', id, patch: inversePatch(before, patch) })
    }
    perform(action)
  }

  function remove(ids: Iterable<string>) {
    const action: Action = { forward: [], backward: [] }
    for (const id of ids) {
      const before = find(id)
      if (before === undefined) continue
      action.forward.push({ kind: 'delete', id })
      action.backward.unshift({ kind: 'add', element: before })
    }
    perform(action)
  }

  return { find, add, update, remove }
}
