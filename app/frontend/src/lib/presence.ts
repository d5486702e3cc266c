import type { Point, ServerMessage, Style } from './protocol'
import { DEFAULT_STYLE } from './shapes'

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
  clientId: string
  points: Point[]
  style: Style
  seenAt: number
}

/** Other people on the board: their cursors and the strokes they are drawing. */
export interface Presence {
  peers: Map<string, Peer>
  liveStrokes: Map<string, LiveStroke>
}

/** A cursor that has not moved for this long is hidden. */
export const CURSOR_TTL_MS = 30_000
/** A stroke preview that got no points for this long (the drawer went away) is dropped. */
export const LIVE_STROKE_TTL_MS = 15_000

/** Updates `presence` in place for one server message; other messages leave it alone. */
export function applyPresence(presence: Presence, message: ServerMessage, now: number): void {
  if (message.type === 'presence') {
    const { client_id: clientId, name, color, x, y } = message
    presence.peers.set(clientId, { clientId, name, color, x, y, seenAt: now })
  } else if (message.type === 'left') {
    presence.peers.delete(message.client_id)
    for (const [id, stroke] of presence.liveStrokes) {
      if (stroke.clientId === message.client_id) presence.liveStrokes.delete(id)
    }
  } else if (message.type === 'stroke') {
    // Live points come in pieces: each message carries the points drawn since the last.
    const known = presence.liveStrokes.get(message.stroke_id)
    presence.liveStrokes.set(message.stroke_id, {
      strokeId: message.stroke_id,
      clientId: message.client_id,
      points: [...(known?.points ?? []), ...message.points],
      style: { ...DEFAULT_STYLE, ...message.style },
      seenAt: now,
    })
  } else if (message.type === 'ops') {
    // A finished stroke arrives as an element with the stroke's id: its preview goes.
    for (const op of message.ops) {
      if (op.kind === 'add') presence.liveStrokes.delete(op.element.id)
    }
  }
}

/** Drops cursors and stroke previews that have gone quiet. */
export function sweepPresence(presence: Presence, now: number): void {
  for (const [id, peer] of presence.peers) {
    if (now - peer.seenAt > CURSOR_TTL_MS) presence.peers.delete(id)
  }
  for (const [id, stroke] of presence.liveStrokes) {
    if (now - stroke.seenAt > LIVE_STROKE_TTL_MS) presence.liveStrokes.delete(id)
  }
}
