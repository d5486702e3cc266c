import { onMounted, onUnmounted, ref } from 'vue'
import { TOOLS, type Tool } from './useTools'

export interface KeyboardActions {
  canEdit: () => boolean
  selectTool: (tool: Tool) => void
  undo: () => void
  redo: () => void
  deleteSelection: () => void
  clearSelection: () => void
  selectAll: () => void
  nudge: (dx: number, dy: number) => void
  zoomIn: () => void
  zoomOut: () => void
  resetZoom: () => void
}

const NUDGE: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
}

function typingInField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null
  return (
    target !== null &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  )
}

/** The board's keyboard shortcuts; `spaceHeld` is true while space is down (drag to pan). */
export function useKeyboard(actions: KeyboardActions) {
  const spaceHeld = ref(false)

  function onKeyDown(event: KeyboardEvent) {
    if (typingInField(event)) return
    const key = event.key.toLowerCase()
    const command = event.ctrlKey || event.metaKey
    const edit = actions.canEdit()

    if (key === ' ') {
      spaceHeld.value = true
      event.preventDefault()
    } else if (command && key === 'z' && edit) {
      if (event.shiftKey) actions.redo()
      else actions.undo()
      event.preventDefault()
    } else if (command && key === 'y' && edit) {
      actions.redo()
      event.preventDefault()
    } else if (command && key === 'a') {
      actions.selectAll()
      event.preventDefault()
    } else if ((key === 'delete' || key === 'backspace') && edit) {
      actions.deleteSelection()
    } else if (key === 'escape') {
      actions.clearSelection()
    } else if (NUDGE[event.key] !== undefined && edit) {
      const [dx, dy] = NUDGE[event.key] as [number, number]
      const step = event.shiftKey ? 10 : 1
      actions.nudge(dx * step, dy * step)
      event.preventDefault()
    } else if (command) {
      return
    } else if (key === '+' || key === '=') {
      actions.zoomIn()
    } else if (key === '-') {
      actions.zoomOut()
    } else if (key === '0') {
      actions.resetZoom()
    } else {
      const match = TOOLS.find((info) => info.key === key && (edit || !info.editing))
      if (match !== undefined) actions.selectTool(match.tool)
    }
  }

  function onKeyUp(event: KeyboardEvent) {
    if (event.key === ' ') spaceHeld.value = false
  }

  function onBlur() {
    spaceHeld.value = false
  }

  onMounted(() => {
    window.addEventListener('keydown', onKeyDown)
    window.addEventListener('keyup', onKeyUp)
    window.addEventListener('blur', onBlur)
  })
  onUnmounted(() => {
    window.removeEventListener('keydown', onKeyDown)
    window.removeEventListener('keyup', onKeyUp)
    window.removeEventListener('blur', onBlur)
  })

  return { spaceHeld }
}
