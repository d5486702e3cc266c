import { ref, watch, type Ref } from 'vue'
import type { BoardElement, ElementPatch } from '../lib/protocol'

/** Which elements are selected, kept to elements that still exist. */
export function useSelection(elements: Ref<BoardElement[]>) {
  const selection = ref(new Set<string>())

  function clear() {
    selection.value = new Set()
  }

  function selectAll() {
    selection.value = new Set(elements.value.map((element) => element.id))
  }

  function selected(): BoardElement[] {
    return elements.value.filter((element) => selection.value.has(element.id))
  }

  /** One patch per selected element, as the editing actions take them. */
  function patches(patchOf: (element: BoardElement) => ElementPatch) {
    return new Map(selected().map((element) => [element.id, patchOf(element)]))
  }

  // Deleted elements leave the selection, whoever deleted them.
  watch(elements, (current) => {
    const ids = new Set(current.map((element) => element.id))
    const kept = [...selection.value].filter((id) => ids.has(id))
    if (kept.length !== selection.value.size) selection.value = new Set(kept)
  })

  return { selection, clear, selectAll, selected, patches }
}
