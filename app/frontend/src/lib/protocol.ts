// The shapes of docs/protocol.md, as the frontend sees them.

export type ElementType = 'stroke' | 'rect' | 'ellipse' | 'line' | 'arrow' | 'text' | 'sticky'

/** A point in canvas units with an optional pen pressure between 0 and 1. */
export type Point = [number, number, number?]

export interface Style {
  stroke: string
  fill: string
  width: number
  font_size: number
}

export interface BoardElement {
  id: string
  type: ElementType
  x: number
  y: number
  w: number
  h: number
  points?: Point[]
  text?: string
  style: Style
  z: number
  version?: number
}

/** The fields an update may change. */
export type ElementPatch = Partial<Omit<BoardElement, 'id' | 'type' | 'version'>>

export interface AddOp {
  op_id: string
  kind: 'add'
  element: BoardElement
}

export interface UpdateOp {
  op_id: string
  kind: 'update'
  element_id: string
  patch: ElementPatch
}

export interface DeleteOp {
  op_id: string
  kind: 'delete'
  element_id: string
}

export type Op = AddOp | UpdateOp | DeleteOp

/** An operation as the server ordered it. */
export type AppliedOp = Op & {
  seq: number
  client_id?: string
  element?: BoardElement
}

export type Role = 'edit' | 'view'

export interface BoardPublic {
  id: string
  name: string
  created_at: string
  seq: number
}

export interface BoardLinks {
  edit_token: string
  view_token: string
}

export type BoardCreated = BoardPublic & BoardLinks

export interface Snapshot {
  board: BoardPublic
  seq: number
  elements: BoardElement[]
}

export interface AckResult {
  op_id: string
  status: 'applied' | 'duplicate' | 'rejected'
  seq?: number
  code?: string
  message?: string
}

export interface User {
  name: string
  color: string
}

export type ClientMessage =
  | { type: 'join'; token: string; last_seq: number | null; user: User; batch?: boolean }
  | { type: 'ops'; ops: Op[] }
  | { type: 'stroke'; stroke_id: string; points: Point[]; style: Style }
  | { type: 'cursor'; x: number; y: number }
  | { type: 'ping' }

export type ServerMessage =
  | { type: 'welcome'; client_id: string; role: Role; board: BoardPublic }
  | { type: 'snapshot'; seq: number; elements: BoardElement[] }
  | { type: 'ops'; ops: AppliedOp[] }
  | { type: 'ack'; results: AckResult[] }
  | { type: 'stroke'; client_id: string; stroke_id: string; points: Point[]; style: Style }
  | { type: 'presence'; client_id: string; name: string; color: string; x: number; y: number }
  | { type: 'left'; client_id: string }
  | { type: 'board'; board: BoardPublic }
  | { type: 'deleted' }
  | { type: 'error'; code: string; message: string }
  | { type: 'reconnect'; after_ms: number }
  | { type: 'pong' }

/** Close codes the server uses (protocol.md, "Error codes"). */
export const CLOSE_REFUSED = 1008
export const CLOSE_TOO_BIG = 1009
export const CLOSE_RESTARTING = 1012
export const CLOSE_BOARD_GONE = 4404

const SERVER_TYPES = new Set([
  'welcome',
  'snapshot',
  'ops',
  'ack',
  'stroke',
  'presence',
  'left',
  'board',
  'deleted',
  'error',
  'reconnect',
  'pong',
])

/**
 * Parses one server frame into the messages it holds, in order: one for a plain message,
 * each known message of a `batch` frame, none for anything else.
 */
export function parseServerFrame(data: string): ServerMessage[] {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return []
  }
  if (isBatch(value)) {
    return value.messages.flatMap((inner) => {
      const message = asServerMessage(inner)
      return message === null ? [] : [message]
    })
  }
  const message = asServerMessage(value)
  return message === null ? [] : [message]
}

function isBatch(value: unknown): value is { type: 'batch'; messages: unknown[] } {
  if (typeof value !== 'object' || value === null) return false
  const frame = value as { type?: unknown; messages?: unknown }
  return frame.type === 'batch' && Array.isArray(frame.messages)
}

function asServerMessage(value: unknown): ServerMessage | null {
  if (typeof value !== 'object' || value === null) return null
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string' || !SERVER_TYPES.has(type)) return null
  return value as ServerMessage
}
