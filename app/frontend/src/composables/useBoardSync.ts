import { onMounted, onUnmounted, ref, shallowRef } from 'vue'
import { socketUrl } from '../lib/api'
import { BoardModel, type Rejection } from '../lib/boardModel'
import { BoardConnection, type ConnectionStatus } from '../lib/connection'
import type {
  BoardElement,
  BoardPublic,
  ClientMessage,
  Op,
  Role,
  ServerMessage,
  User,
} from '../lib/protocol'
import { loadPendingOps, savePendingOps } from '../lib/storage'

export interface BoardSyncOptions {
  boardId: string
  token: string
  user: User
  /** Messages the board state does not cover (presence, live strokes), for other composables. */
  onMessage: (message: ServerMessage) => void
}

/**
 * The board's state and its WebSocket: opened on mount, closed on unmount. Local edits go
 * through `submit`; they show at once, persist in localStorage until the server confirms
 * them, and are sent whenever the connection is up.
 */
export function useBoardSync(options: BoardSyncOptions) {
  const model = new BoardModel()
  for (const op of loadPendingOps(localStorage, options.boardId)) model.addPending(op)

  const elements = shallowRef<BoardElement[]>(model.elements())
  const status = ref<ConnectionStatus>('connecting')
  const retryInMs = ref<number | null>(null)
  const role = ref<Role | null>(null)
  const board = ref<BoardPublic | null>(null)
  const clientId = ref<string | null>(null)
  const pendingCount = ref(model.pending.length)
  const rejections = ref<Rejection[]>([])
  const serverError = ref<string | null>(null)
  let serverErrorCode: string | null = null
  /** The browser would not store unsent edits: a reload now would lose them. */
  const storageFull = ref(false)

  function refresh() {
    elements.value = model.elements()
    pendingCount.value = model.pending.length
    const saved = savePendingOps(localStorage, options.boardId, model.pending)
    storageFull.value = !saved
  }

  function handle(message: ServerMessage) {
    if (message.type === 'welcome') {
      role.value = message.role
      board.value = message.board
      clientId.value = message.client_id
    } else if (message.type === 'board') {
      board.value = message.board
    } else if (message.type === 'ack') {
      const refused = model.receiveAck(message.results)
      if (refused.length > 0) rejections.value = [...rejections.value, ...refused].slice(-5)
      // The connection re-sends rate-limited ops; once the server takes ops again, say no more.
      if (serverErrorCode === 'rate_limited') serverError.value = null
    } else if (message.type === 'error') {
      serverError.value = message.message
      serverErrorCode = message.code
    }
    if (['snapshot', 'ops', 'ack'].includes(message.type)) refresh()
    options.onMessage(message)
  }

  const connection = new BoardConnection({
    url: socketUrl(window.location, options.boardId),
    token: options.token,
    user: options.user,
    model,
    openSocket: (url) => new WebSocket(url),
    onMessage: handle,
    onStatus: (next, retry) => {
      status.value = next
      retryInMs.value = retry
    },
  })

  /** Applies this client's ops locally and sends them when connected. */
  function submit(ops: Op[]) {
    if (ops.length === 0 || role.value === 'view') return
    for (const op of ops) model.addPending(op)
    refresh()
    connection.flush()
  }

  function sendLive(message: ClientMessage) {
    if (message.type === 'stroke' && role.value !== 'edit') return
    connection.sendLive(message)
  }

  function topZ() {
    return model.topZ()
  }

  onMounted(() => connection.start())
  onUnmounted(() => connection.stop())

  return {
    elements,
    status,
    retryInMs,
    role,
    board,
    clientId,
    pendingCount,
    rejections,
    serverError,
    storageFull,
    submit,
    sendLive,
    topZ,
  }
}
