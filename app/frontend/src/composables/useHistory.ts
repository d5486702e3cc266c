import { ref } from 'vue'
import { History, type Action } from '../lib/history'
import type { Op } from '../lib/protocol'

/** Undo and redo of this browser's own actions, handing the resulting ops to `submit`. */
export function useHistory(submit: (ops: Op[]) => void) {
  const history = new History()
  const canUndo = ref(false)
  const canRedo = ref(false)

  function sync() {
    canUndo.value = history.canUndo
    canRedo.value = history.canRedo
  }

  function perform(action: Action) {
    if (action.forward.length === 0) return
    submit(history.record(action))
    sync()
  }

  function undo() {
    submit(history.undo())
    sync()
  }

  function redo() {
    submit(history.redo())
    sync()
  }

  /** The current id of an element this browser may have re-added under a new id. */
  function resolve(id: string) {
    return history.resolve(id)
  }

  return { canUndo, canRedo, perform, undo, redo, resolve }
}
