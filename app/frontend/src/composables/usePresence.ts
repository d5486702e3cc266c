import { onMounted, onUnmounted, reactive } from 'vue'
import { applyPresence, sweepPresence, type Presence } from '../lib/presence'
import type { ServerMessage } from '../lib/protocol'

export type { LiveStroke, Peer } from '../lib/presence'

/** Other people's cursors and the strokes they are drawing right now. */
export function usePresence() {
  const presence = reactive<Presence>({ peers: new Map(), liveStrokes: new Map() })
  let sweepTimer: ReturnType<typeof setInterval> | null = null

  function handle(message: ServerMessage) {
    applyPresence(presence, message, Date.now())
  }

  onMounted(() => {
    sweepTimer = setInterval(() => sweepPresence(presence, Date.now()), 1000)
  })
  onUnmounted(() => {
    if (sweepTimer !== null) clearInterval(sweepTimer)
  })

  return { presence, handle }
}
