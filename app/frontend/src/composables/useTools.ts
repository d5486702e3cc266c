import { ref } from 'vue'
import type { Style } from '../lib/protocol'
import { DEFAULT_STYLE } from '../lib/shapes'

export type Tool =
  'select' | 'hand' | 'pen' | 'rect' | 'ellipse' | 'line' | 'arrow' | 'text' | 'sticky' | 'eraser'

export interface ToolInfo {
  tool: Tool
  label: string
  key: string
  editing: boolean
}

/** Every tool, its label and shortcut; `editing` tools are hidden in view-only mode. */
export const TOOLS: readonly ToolInfo[] = [
  { tool: 'select', label: 'Select', key: 'v', editing: false },
  { tool: 'hand', label: 'Pan', key: 'h', editing: false },
  { tool: 'pen', label: 'Pen', key: 'p', editing: true },
  { tool: 'rect', label: 'Rectangle', key: 'r', editing: true },
  { tool: 'ellipse', label: 'Ellipse', key: 'o', editing: true },
  { tool: 'line', label: 'Line', key: 'l', editing: true },
  { tool: 'arrow', label: 'Arrow', key: 'a', editing: true },
  { tool: 'text', label: 'Text', key: 't', editing: true },
  { tool: 'sticky', label: 'Sticky note', key: 's', editing: true },
  { tool: 'eraser', label: 'Eraser', key: 'e', editing: true },
]

/** The active tool and the style new elements get. */
export function useTools() {
  const tool = ref<Tool>('pen')
  const style = ref<Style>({ ...DEFAULT_STYLE })

  function setStyle(patch: Partial<Style>) {
    style.value = { ...style.value, ...patch }
  }

  return { tool, style, setStyle }
}
