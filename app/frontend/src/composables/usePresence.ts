import { onMounted, onUnmounted, ref } from 'vue'
import type { Point, ServerMessage, Style } from '../lib/protocol'
import { DEFAULT_STYLE } from '../lib/shapes'

export interface Peer {
  clientId: string
  name: string
  color: string
  x: number
  y: number
  seenAt: number
}

export interface LiveStroke {
  strokeId: string
  points: Point[]
  style: Style
  seenAt: number
}

const CURSOR_TTL_MS = 30_000
const LIVE_STROKE_TTL_MS = 5_000

/** Other people's cursors and the strokes they are drawing right now. */
export function usePresence() {
  const peers = ref(new Map<string, Peer>())
  const liveStrokes = ref(new Map<string, LiveStroke>())
  let sweepTimer: ReturnType<typeof setInterval> | null = null

  function handle(message: ServerMessage) {
    const now = Date.now()
    if (message.type === 'presence') {
      peers.value.set(message.client_id, {
        clientId: message.client_id,
        name: message.name,
        color: message.color,
        x: message.x,
        y: message.y,
        seenAt: now,
      })
    } else if (message.type === 'left') {
      peers.value.delete(message.client_id)
    } else if (message.type === 'stroke') {
      // Live points come in pieces: each message carries the points drawn since the last.
      const known = liveStrokes.value.get(message.stroke_id)
      liveStrokes.value.set(message.stroke_id, {
        strokeId: message.stroke_id,
        points: [...(known?.points ?? []), ...message.points],
        style: { ...DEFAULT_STYLE, ...message.style },
        seenAt: now,
      })
    } else if (message.type === 'ops') {
      // A finished stroke arrives as an element with the stroke's id: the preview goes.
      for (const op of message.ops) if (op.kind === 'add') liveStrokes.value.delete(op.element.id)
    }
  }

  function sweep() {
    const now = Date.now()
    for (const [id, peer] of peers.value) if (now - peer.seenAt > CURSOR_TTL_MS) peers.value.delete(id)
    for (const [id, stroke] of liveStrokes.value) {
      if (now - stroke.seenAt > LIVE_STROKE_TTL_MS) liveStrokes.value.delete(id)
    }
  }

  onMounted(() => {
    sweepTimer = setInterval(sweep, 1000)
  })
  onUnmounted(() => {
    if (sweepTimer !== null) clearInterval(sweepTimer)
  })

  return { peers, liveStrokes, handle }
}
