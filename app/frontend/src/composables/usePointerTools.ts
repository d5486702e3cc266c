import { ref, shallowRef, type Ref } from 'vue'
import {
  elementBounds,
  finishStrokePoints,
  fitPatch,
  HANDLES,
  handlePosition,
  hitTest,
  pointOf,
  rectFromPoints,
  rectsIntersect,
  resizeBox,
  screenToWorld,
  topmostAt,
  translatePatch,
  type Handle,
  type Rect,
  type Vec,
  type Viewport,
} from '../lib/geometry'
import { randomId } from '../lib/ids'
import type { BoardElement, ClientMessage, ElementPatch, Style } from '../lib/protocol'
import { HANDLE_SIZE_PX } from '../lib/render'
import { STICKY_FILL } from '../lib/shapes'
import type { Tool } from './useTools'

type Gesture =
  | { kind: 'pan'; last: Vec }
  | { kind: 'draw'; element: BoardElement; sentAt: number; sentCount: number }
  | { kind: 'shape'; element: BoardElement; start: Vec }
  | { kind: 'erase'; hits: Set<string> }
  | { kind: 'move'; start: Vec; originals: BoardElement[]; moved: boolean }
  | { kind: 'resize'; handle: Handle; original: BoardElement }
  | { kind: 'marquee'; start: Vec; additive: boolean }

export interface PointerToolsOptions {
  view: Ref<Viewport>
  pan: (dx: number, dy: number) => void
  zoom: (factor: number, around: Vec) => void
  tool: Ref<Tool>
  style: Ref<Style>
  spaceHeld: Ref<boolean>
  canEdit: Ref<boolean>
  selection: Ref<Set<string>>
  elements: Ref<BoardElement[]>
  add: (element: BoardElement) => void
  update: (patches: Map<string, ElementPatch>) => void
  remove: (ids: Iterable<string>) => void
  sendLive: (message: ClientMessage) => void
  editText: (element: BoardElement, isNew: boolean) => void
}

const LIVE_INTERVAL_MS = 50
/** The server relays at most 100 live points per message. */
const LIVE_POINTS_PER_MESSAGE = 100
const STICKY_SIZE = 200

/**
 * What pointer input (mouse, touch, pen) does on the canvas for each tool. Gestures show
 * as a draft over the board and become one undoable action when the pointer lifts.
 */
export function usePointerTools(o: PointerToolsOptions) {
  const selection = o.selection
  const draft = shallowRef(new Map<string, BoardElement | null>())
  const marquee = ref<Rect | null>(null)
  const pointers = new Map<number, Vec>()
  let gesture: Gesture | null = null
  let pinch: { distance: number; center: Vec } | null = null
  let cursorSentAt = 0

  // Listeners sit on the canvas, so `currentTarget` is the canvas.
  const screenOf = (event: PointerEvent | WheelEvent | MouseEvent): Vec => {
    const box = (event.currentTarget as Element).getBoundingClientRect()
    return { x: event.clientX - box.left, y: event.clientY - box.top }
  }
  const worldOf = (event: PointerEvent | MouseEvent) => screenToWorld(o.view.value, screenOf(event))
  const tolerance = () => 6 / o.view.value.zoom
  const setDraft = (entries: [string, BoardElement | null][]) => {
    draft.value = new Map(entries)
  }

  function newElement(type: BoardElement['type'], at: Vec, extra: Partial<BoardElement> = {}) {
    return {
      id: randomId(),
      type,
      x: at.x,
      y: at.y,
      w: 0,
      h: 0,
      style: { ...o.style.value },
      z: 0,
      ...extra,
    }
  }

  function handleAt(p: Vec): { handle: Handle; element: BoardElement } | null {
    if (selection.value.size !== 1) return null
    const [id] = selection.value
    const element = o.elements.value.find((candidate) => candidate.id === id)
    if (element === undefined) return null
    const box = elementBounds(element)
    const pad = 4 / o.view.value.zoom
    const outer = { x: box.x - pad, y: box.y - pad, w: box.w + 2 * pad, h: box.h + 2 * pad }
    const reach = HANDLE_SIZE_PX / o.view.value.zoom
    const handle = HANDLES.find((h) => {
      const at = handlePosition(outer, h)
      return Math.abs(at.x - p.x) <= reach && Math.abs(at.y - p.y) <= reach
    })
    return handle === undefined ? null : { handle, element }
  }

  function startGesture(event: PointerEvent, p: Vec) {
    const tool = o.tool.value
    if (tool === 'hand' || o.spaceHeld.value || event.button === 1) {
      gesture = { kind: 'pan', last: screenOf(event) }
    } else if (!o.canEdit.value || tool === 'select') {
      startSelect(event, p)
    } else if (tool === 'pen') {
      const element = newElement('stroke', p, { points: [pointOf(p.x, p.y, pressureOf(event))] })
      gesture = { kind: 'draw', element, sentAt: 0, sentCount: 0 }
    } else if (tool === 'eraser') {
      gesture = { kind: 'erase', hits: new Set() }
      erase(p)
    } else if (tool === 'text' || tool === 'sticky') {
      const hit = topmostAt(o.elements.value, p, tolerance())
      if (hit !== null && hit.type === tool) o.editText(hit, false)
      else if (tool === 'text') o.editText(newElement('text', p, { text: '' }), true)
      else o.editText(newSticky(p), true)
    } else {
      const element = newElement(
        tool,
        p,
        tool === 'line' || tool === 'arrow'
          ? {
              points: [
                [p.x, p.y],
                [p.x, p.y],
              ],
            }
          : {},
      )
      gesture = { kind: 'shape', element, start: p }
    }
  }

  function newSticky(p: Vec) {
    const fill = o.style.value.fill === 'transparent' ? STICKY_FILL : o.style.value.fill
    const at = { x: p.x - STICKY_SIZE / 2, y: p.y - STICKY_SIZE / 2 }
    return newElement('sticky', at, {
      w: STICKY_SIZE,
      h: STICKY_SIZE,
      text: '',
      style: { ...o.style.value, stroke: '#1e1e1e', fill },
    })
  }

  function startSelect(event: PointerEvent, p: Vec) {
    const onHandle = o.canEdit.value ? handleAt(p) : null
    if (onHandle !== null) {
      gesture = { kind: 'resize', handle: onHandle.handle, original: onHandle.element }
      return
    }
    const hit = topmostAt(o.elements.value, p, tolerance())
    if (hit === null) {
      if (!event.shiftKey) selection.value = new Set()
      gesture = { kind: 'marquee', start: p, additive: event.shiftKey }
      return
    }
    if (event.shiftKey) {
      const next = new Set(selection.value)
      if (next.has(hit.id)) next.delete(hit.id)
      else next.add(hit.id)
      selection.value = next
    } else if (!selection.value.has(hit.id)) {
      selection.value = new Set([hit.id])
    }
    if (!o.canEdit.value) return
    const originals = o.elements.value.filter((element) => selection.value.has(element.id))
    gesture = { kind: 'move', start: p, originals, moved: false }
  }

  function continueGesture(event: PointerEvent, p: Vec) {
    if (gesture === null) return
    if (gesture.kind === 'pan') {
      const screen = screenOf(event)
      o.pan(screen.x - gesture.last.x, screen.y - gesture.last.y)
      gesture.last = screen
    } else if (gesture.kind === 'draw') {
      const points = [...(gesture.element.points ?? []), pointOf(p.x, p.y, pressureOf(event))]
      gesture.element = { ...gesture.element, points }
      setDraft([[gesture.element.id, gesture.element]])
      if (event.timeStamp - gesture.sentAt >= LIVE_INTERVAL_MS) {
        gesture.sentAt = event.timeStamp
        sendLivePoints(gesture)
      }
    } else if (gesture.kind === 'shape') {
      const element = gesture.element
      gesture.element =
        element.type === 'line' || element.type === 'arrow'
          ? {
              ...element,
              points: [
                [gesture.start.x, gesture.start.y],
                [p.x, p.y],
              ],
            }
          : {
              ...element,
              ...rectFromPoints(gesture.start, event.shiftKey ? square(gesture.start, p) : p),
            }
      setDraft([[gesture.element.id, gesture.element]])
    } else if (gesture.kind === 'erase') {
      erase(p)
    } else if (gesture.kind === 'move') {
      const dx = p.x - gesture.start.x
      const dy = p.y - gesture.start.y
      gesture.moved = gesture.moved || Math.hypot(dx, dy) * o.view.value.zoom > 2
      if (gesture.moved) {
        setDraft(
          gesture.originals.map((element) => [
            element.id,
            { ...element, ...translatePatch(element, dx, dy) },
          ]),
        )
      }
    } else if (gesture.kind === 'resize') {
      const box = resizeBox(elementBounds(gesture.original), gesture.handle, p)
      const patch = fitPatch(gesture.original, box)
      setDraft([[gesture.original.id, { ...gesture.original, ...patch }]])
    } else if (gesture.kind === 'marquee') {
      marquee.value = rectFromPoints(gesture.start, p)
    }
  }

  /** Sends the points drawn since the last send; others append them to their preview. */
  function sendLivePoints(drawing: Extract<Gesture, { kind: 'draw' }>) {
    const points = drawing.element.points ?? []
    // Repeat the last point already sent, so the pieces join up.
    const fresh = points.slice(Math.max(0, drawing.sentCount - 1))
    drawing.sentCount = points.length
    for (let start = 0; start < fresh.length; start += LIVE_POINTS_PER_MESSAGE) {
      const chunk = fresh.slice(start, start + LIVE_POINTS_PER_MESSAGE)
      o.sendLive({
        type: 'stroke',
        stroke_id: drawing.element.id,
        points: chunk,
        style: drawing.element.style,
      })
    }
  }

  function erase(p: Vec) {
    if (gesture?.kind !== 'erase') return
    for (const element of o.elements.value) {
      if (!gesture.hits.has(element.id) && hitTest(element, p, tolerance()))
        gesture.hits.add(element.id)
    }
    setDraft([...gesture.hits].map((id) => [id, null]))
  }

  function finishGesture() {
    const done = gesture
    gesture = null
    if (done?.kind === 'draw') {
      const points = finishStrokePoints(done.element.points ?? [], 0.5 / o.view.value.zoom)
      o.add({ ...done.element, points })
    } else if (done?.kind === 'shape') {
      const box = elementBounds(done.element)
      if (Math.max(box.w, box.h) * o.view.value.zoom >= 4) o.add(done.element)
    } else if (done?.kind === 'erase') {
      o.remove(done.hits)
    } else if (done?.kind === 'move' && done.moved) {
      const moved = draft.value
      o.update(
        new Map(
          done.originals.map((element) => [element.id, movedPatch(element, moved.get(element.id))]),
        ),
      )
    } else if (done?.kind === 'resize') {
      const resized = draft.value.get(done.original.id)
      if (resized)
        o.update(new Map([[done.original.id, fitPatch(done.original, elementBounds(resized))]]))
    } else if (done?.kind === 'marquee' && marquee.value !== null) {
      const area = marquee.value
      const next = done.additive ? new Set(selection.value) : new Set<string>()
      for (const element of o.elements.value) {
        if (rectsIntersect(area, elementBounds(element))) next.add(element.id)
      }
      selection.value = next
    }
    marquee.value = null
    setDraft([])
  }

  function onPointerDown(event: PointerEvent) {
    // Pressing the board finishes any text being typed (its editor commits on blur). The
    // default action is prevented so that an editor opened by this press keeps focus.
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur()
    event.preventDefault()
    ;(event.currentTarget as Element).setPointerCapture(event.pointerId)
    pointers.set(event.pointerId, screenOf(event))
    if (pointers.size === 2) {
      // A second finger turns any gesture into a pinch.
      gesture = null
      setDraft([])
      pinch = null
      return
    }
    if (pointers.size === 1) startGesture(event, worldOf(event))
  }

  function onPointerMove(event: PointerEvent) {
    const p = worldOf(event)
    if (event.timeStamp - cursorSentAt >= LIVE_INTERVAL_MS) {
      cursorSentAt = event.timeStamp
      o.sendLive({ type: 'cursor', x: p.x, y: p.y })
    }
    if (pointers.has(event.pointerId)) pointers.set(event.pointerId, screenOf(event))
    if (pointers.size === 2) return pinchMove()
    continueGesture(event, p)
  }

  /** Two fingers: their spread zooms, and their midpoint drags the board along. */
  function pinchMove() {
    const [a, b] = [...pointers.values()] as [Vec, Vec]
    const distance = Math.hypot(a.x - b.x, a.y - b.y)
    const center = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
    if (pinch !== null && pinch.distance > 0) {
      o.pan(center.x - pinch.center.x, center.y - pinch.center.y)
      o.zoom(distance / pinch.distance, center)
    }
    pinch = { distance, center }
  }

  function onPointerUp(event: PointerEvent) {
    pointers.delete(event.pointerId)
    if (pointers.size === 0) finishGesture()
  }

  function onPointerCancel(event: PointerEvent) {
    pointers.delete(event.pointerId)
    gesture = null
    marquee.value = null
    setDraft([])
  }

  function onWheel(event: WheelEvent) {
    event.preventDefault()
    if (event.ctrlKey || event.metaKey) o.zoom(Math.exp(-event.deltaY * 0.01), screenOf(event))
    else o.pan(-event.deltaX, -event.deltaY)
  }

  function onDoubleClick(event: MouseEvent) {
    if (!o.canEdit.value) return
    const hit = topmostAt(o.elements.value, worldOf(event), tolerance())
    if (hit !== null && (hit.type === 'text' || hit.type === 'sticky')) o.editText(hit, false)
  }

  return {
    draft,
    marquee,
    onPointerDown,
    onPointerMove,
    onPointerUp,
    onPointerCancel,
    onWheel,
    onDoubleClick,
  }
}

function pressureOf(event: PointerEvent): number | undefined {
  // Mice report 0.5 while a button is down; only pens and some touch screens measure it.
  return event.pointerType === 'pen' ? event.pressure : undefined
}

function square(start: Vec, p: Vec): Vec {
  const side = Math.max(Math.abs(p.x - start.x), Math.abs(p.y - start.y))
  return {
    x: start.x + Math.sign(p.x - start.x) * side,
    y: start.y + Math.sign(p.y - start.y) * side,
  }
}

function movedPatch(original: BoardElement, moved: BoardElement | null | undefined): ElementPatch {
  if (!moved) return {}
  return original.points !== undefined ? { points: moved.points } : { x: moved.x, y: moved.y }
}
