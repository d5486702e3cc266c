import { computed, watch } from 'vue'
import { translatePatch } from '../lib/geometry'
import type { Style } from '../lib/protocol'
import type { useBoardSync } from './useBoardSync'
import { useEditing } from './useEditing'
import { useHistory } from './useHistory'
import { useKeyboard } from './useKeyboard'
import { usePointerTools } from './usePointerTools'
import { useSelection } from './useSelection'
import { useTextEditing } from './useTextEditing'
import { useTools } from './useTools'
import type { useViewport } from './useViewport'

/**
 * Everything that turns input into board edits: tools, selection, pointer and keyboard,
 * text editing, and undo. Editing is possible only with the edit role.
 */
export function useBoardEditor(
  sync: ReturnType<typeof useBoardSync>,
  viewport: ReturnType<typeof useViewport>,
) {
  const history = useHistory(sync.submit)
  const editing = useEditing(sync.elements, history.perform, sync.topZ)
  const { tool, style, setStyle } = useTools()
  const canEdit = computed(() => sync.role.value === 'edit')
  const text = useTextEditing(editing.add, editing.update)
  const { selection, clear, selectAll, patches } = useSelection(sync.elements)
  const { view, pan, zoom, reset } = viewport
  const center = () => ({ x: window.innerWidth / 2, y: window.innerHeight / 2 })

  const keyboard = useKeyboard({
    canEdit: () => canEdit.value,
    selectTool: (next) => (tool.value = next),
    undo: history.undo,
    redo: history.redo,
    deleteSelection: () => editing.remove(selection.value),
    clearSelection: clear,
    selectAll,
    nudge: (dx, dy) => editing.update(patches((element) => translatePatch(element, dx, dy))),
    zoomIn: () => zoom(1.2, center()),
    zoomOut: () => zoom(1 / 1.2, center()),
    resetZoom: reset,
  })

  const pointer = usePointerTools({
    view,
    pan,
    zoom,
    tool,
    style,
    canEdit,
    selection,
    spaceHeld: keyboard.spaceHeld,
    elements: sync.elements,
    add: editing.add,
    update: editing.update,
    remove: editing.remove,
    sendLive: sync.sendLive,
    editText: text.start,
  })

  /** A style change applies to new elements and to whatever is selected. */
  function changeStyle(patch: Partial<Style>) {
    setStyle(patch)
    if (canEdit.value && selection.value.size > 0) {
      editing.update(patches((element) => ({ style: { ...element.style, ...patch } })))
    }
  }

  watch(sync.role, (role) => {
    if (role === 'view') tool.value = 'select'
  })

  const cursor = computed(() => {
    if (tool.value === 'hand' || keyboard.spaceHeld.value) return 'grab'
    if (!canEdit.value || tool.value === 'select') return 'default'
    return tool.value === 'text' ? 'text' : 'crosshair'
  })

  function zoomStep(factor: number) {
    zoom(factor, center())
  }

  return { history, tool, style, canEdit, text, selection, pointer, changeStyle, cursor, zoomStep }
}
