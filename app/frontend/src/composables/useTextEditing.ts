import { ref } from 'vue'
import type { BoardElement, ElementPatch } from '../lib/protocol'
import { fontOf, LINE_HEIGHT } from '../lib/shapes'

/** The text or sticky note being typed into, and what finishing it does to the board. */
export function useTextEditing(
  add: (element: BoardElement) => void,
  update: (patches: Map<string, ElementPatch>) => void,
) {
  const editing = ref<{ element: BoardElement; isNew: boolean } | null>(null)
  const measuring = document.createElement('canvas').getContext('2d')

  function start(element: BoardElement, isNew: boolean) {
    editing.value = { element, isNew }
  }

  /** A text element's box follows its text; a sticky note keeps its size. */
  function sizeOf(element: BoardElement, text: string): ElementPatch {
    if (element.type !== 'text') return {}
    const lines = text.split('\n')
    let width = 0
    if (measuring !== null) {
      measuring.font = fontOf(element.style)
      for (const line of lines) width = Math.max(width, measuring.measureText(line).width)
    }
    return {
      w: Math.ceil(width),
      h: Math.ceil(lines.length * element.style.font_size * LINE_HEIGHT),
    }
  }

  function commit(text: string) {
    const current = editing.value
    editing.value = null
    if (current === null) return
    const { element, isNew } = current
    const emptyText = element.type === 'text' && text.trim() === ''
    if (isNew) {
      if (!emptyText) add({ ...element, text, ...sizeOf(element, text) })
    } else if (text !== element.text) {
      update(new Map([[element.id, { text, ...sizeOf(element, text) }]]))
    }
  }

  function cancel() {
    editing.value = null
  }

  return { editing, start, commit, cancel }
}
