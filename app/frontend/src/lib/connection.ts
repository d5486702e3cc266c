import { RATE_LIMIT_BACKOFF, reconnectDelayMs, serverRequestedDelayMs } from './backoff'
import type { BoardModel } from './boardModel'
import {
  CLOSE_BOARD_GONE,
  CLOSE_REFUSED,
  parseServerFrame,
  type ClientMessage,
  type ServerMessage,
  type User,
} from './protocol'

/** The subset of the browser's WebSocket used here, so tests can supply a fake one. */
export interface SocketLike {
  readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  onerror: ((event: Event) => void) | null
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export type ConnectionStatus =
  | 'connecting' // opening a socket or waiting for `welcome`
  | 'online' // joined
  | 'offline' // lost; a retry is scheduled
  | 'refused' // the server refused the link: retrying cannot help
  | 'gone' // the board was deleted or never existed

export interface ConnectionOptions {
  url: string
  token: string
  user: User
  model: BoardModel
  openSocket: (url: string) => SocketLike
  /**
   * Called for every message after the model has been updated, in the order the server
   * sent them, whether each came alone or in a `batch` frame. This client's own `stroke`
   * and `presence` messages are not passed on.
   */
  onMessage: (message: ServerMessage) => void
  onStatus: (status: ConnectionStatus, retryInMs: number | null) => void
  timers?: Timers
  random?: () => number
  batchSize?: number
  pingIntervalMs?: number
}

const OPEN = 1

/**
 * One board's WebSocket: joins, feeds the model, sends this client's pending ops and
 * reconnects with backoff after a drop. Pending ops are re-sent after every join, and
 * after a wait when the server refuses them as `rate_limited`; the server answers the
 * ones it already has `duplicate`, so each is applied once.
 */
export class BoardConnection {
  private socket: SocketLike | null = null
  private joined = false
  private stopped = false
  private attempt = 0
  private retryTimer: unknown = null
  private pingTimer: unknown = null
  private nextDelayMs: number | null = null
  /** This connection's id on the server, from `welcome`. */
  private clientId: string | null = null
  /** Set while ops wait to be re-sent after a `rate_limited` refusal. */
  private resendTimer: unknown = null
  private rateLimitedAttempt = 0
  /** op_ids sent on the current socket and not yet answered. */
  private inFlight = new Set<string>()
  private readonly timers: Timers
  private readonly random: () => number

  constructor(private readonly options: ConnectionOptions) {
    this.timers = options.timers ?? globalThis
    this.random = options.random ?? Math.random
  }

  get isOnline(): boolean {
    return this.joined
  }

  start(): void {
    this.stopped = false
    this.open()
  }

  /** Closes for good: no reconnect. */
  stop(): void {
    this.stopped = true
    this.clearTimers()
    const socket = this.socket
    this.socket = null
    this.joined = false
    if (socket !== null) {
      socket.onclose = null
      socket.onmessage = null
      socket.close(1000, 'leaving')
    }
  }

  /** Sends whatever pending ops are not on their way yet (held while rate limited). */
  flush(): void {
    if (!this.joined || this.resendTimer !== null) return
    const unsent = this.options.model.pending.filter((op) => !this.inFlight.has(op.op_id))
    const size = this.options.batchSize ?? 100
    for (let start = 0; start < unsent.length; start += size) {
      const batch = unsent.slice(start, start + size)
      for (const op of batch) this.inFlight.add(op.op_id)
      this.send({ type: 'ops', ops: batch })
    }
  }

  /** Sends a message that is only useful live (cursor, stroke preview); dropped offline. */
  sendLive(message: ClientMessage): void {
    if (this.joined) this.send(message)
  }

  private open(): void {
    this.options.onStatus('connecting', null)
    const socket = this.options.openSocket(this.options.url)
    this.socket = socket
    socket.onopen = () => {
      this.send({
        type: 'join',
        token: this.options.token,
        last_seq: this.options.model.seq,
        user: this.options.user,
        batch: true,
      })
    }
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return
      for (const message of parseServerFrame(event.data)) {
        // A message may end this socket (a resync, a stop): the rest of its frame is moot.
        if (this.socket !== socket || socket.readyState !== OPEN) return
        this.handle(message)
      }
    }
    socket.onerror = () => {
      // A close event always follows; reconnecting is decided there.
    }
    socket.onclose = (event) => this.handleClose(event.code)
  }

  private handle(message: ServerMessage): void {
    const model = this.options.model
    if (isOwnLiveMessage(message, this.clientId)) return
    if (message.type === 'welcome') {
      this.joined = true
      this.attempt = 0
      this.clientId = message.client_id
      this.inFlight.clear()
      this.startPing()
      this.options.onStatus('online', null)
    } else if (message.type === 'snapshot') {
      model.loadSnapshot(message.seq, message.elements)
    } else if (message.type === 'ops') {
      model.receiveOps(message.ops)
      if (model.hasGap) this.resync()
    } else if (message.type === 'ack') {
      for (const result of message.results) this.inFlight.delete(result.op_id)
      if (this.resendTimer === null) this.rateLimitedAttempt = 0
    } else if (message.type === 'error' && message.code === 'rate_limited') {
      this.resendLater()
    } else if (message.type === 'reconnect') {
      this.nextDelayMs = serverRequestedDelayMs(message.after_ms, this.random)
    }
    this.options.onMessage(message)
    // Replay or snapshot comes right after `welcome`; send pending ops once state is known.
    if (message.type === 'welcome' || message.type === 'snapshot') this.flush()
  }

  private handleClose(code: number): void {
    this.socket = null
    this.joined = false
    this.clientId = null
    this.rateLimitedAttempt = 0
    this.inFlight.clear()
    this.clearTimers()
    if (this.stopped) return
    if (code === CLOSE_BOARD_GONE) {
      this.options.onStatus('gone', null)
      return
    }
    if (code === CLOSE_REFUSED) {
      this.options.onStatus('refused', null)
      return
    }
    const delay = this.nextDelayMs ?? reconnectDelayMs(this.attempt, this.random)
    this.nextDelayMs = null
    this.attempt += 1
    this.options.onStatus('offline', delay)
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null
      if (!this.stopped) this.open()
    }, delay)
  }

  /** Ops went missing on the way: rejoin, and the server replays from our seq. */
  private resync(): void {
    this.nextDelayMs = 0
    this.socket?.close(4000, 'resync')
  }

  /**
   * The server refused a message as `rate_limited`, which applies none of it. Which one is
   * not said, and refusals within a second of a reported one go unreported: so after a
   * wait, every op still unanswered is sent again, and new ops wait with them. Another
   * refusal during the wait starts a longer one.
   */
  private resendLater(): void {
    if (this.resendTimer !== null) this.timers.clearTimeout(this.resendTimer)
    const delay = reconnectDelayMs(this.rateLimitedAttempt, this.random, RATE_LIMIT_BACKOFF)
    this.rateLimitedAttempt += 1
    this.resendTimer = this.timers.setTimeout(() => {
      this.resendTimer = null
      this.inFlight.clear()
      this.flush()
    }, delay)
  }

  private startPing(): void {
    const every = this.options.pingIntervalMs ?? 25_000
    this.pingTimer = this.timers.setInterval(() => this.send({ type: 'ping' }), every)
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer)
    if (this.pingTimer !== null) this.timers.clearInterval(this.pingTimer)
    if (this.resendTimer !== null) this.timers.clearTimeout(this.resendTimer)
    this.retryTimer = null
    this.pingTimer = null
    this.resendTimer = null
  }

  private send(message: ClientMessage): void {
    if (this.socket !== null && this.socket.readyState === OPEN) {
      this.socket.send(JSON.stringify(message))
    }
  }
}

/** Live messages the server may echo back to their sender, who already shows them. */
function isOwnLiveMessage(message: ServerMessage, clientId: string | null): boolean {
  if (clientId === null) return false
  return (
    (message.type === 'stroke' || message.type === 'presence') && message.client_id === clientId
  )
}
