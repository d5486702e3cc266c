import { describe, expect, it } from 'vitest'
import { BoardModel } from './boardModel'
import { BoardConnection, type ConnectionStatus, type SocketLike, type Timers } from './connection'
import type { ClientMessage, ServerMessage } from './protocol'
import { applied, rect } from './testElements'

class FakeSocket implements SocketLike {
  readyState = 0
  sent: ClientMessage[] = []
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null

  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientMessage)
  }
  close(code = 1000) {
    this.drop(code)
  }
  accept() {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }
  receive(message: ServerMessage) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }))
  }
  drop(code: number) {
    this.readyState = 3
    this.onclose?.({ code, reason: '' } as CloseEvent)
  }
  sentOfType<T extends ClientMessage['type']>(type: T) {
    return this.sent.filter((message) => message.type === type) as Extract<
      ClientMessage,
      { type: T }
    >[]
  }
}

class FakeTimers implements Timers {
  timeouts: { callback: () => void; ms: number }[] = []
  setTimeout(callback: () => void, ms: number) {
    this.timeouts.push({ callback, ms })
    return this.timeouts.length
  }
  clearTimeout() {}
  setInterval() {
    return 0
  }
  clearInterval() {}
  runNext() {
    const next = this.timeouts.shift()
    next?.callback()
    return next?.ms
  }
}

const welcome: ServerMessage = {
  type: 'welcome',
  client_id: 'me',
  role: 'edit',
  board: { id: 'b', name: 'B', created_at: '2026-12-04T00:00:00Z', seq: 0 },
}

function setup(random = () => 0) {
  const model = new BoardModel()
  const sockets: FakeSocket[] = []
  const statuses: [ConnectionStatus, number | null][] = []
  const timers = new FakeTimers()
  const connection = new BoardConnection({
    url: 'ws://test/ws/boards/b',
    token: 'tok',
    user: { name: 'Ada', color: '#ff0000' },
    model,
    openSocket: () => {
      const socket = new FakeSocket()
      sockets.push(socket)
      return socket
    },
    onMessage: () => {},
    onStatus: (status, retry) => statuses.push([status, retry]),
    timers,
    random,
  })
  connection.start()
  const current = () => sockets[sockets.length - 1] as FakeSocket
  return { model, sockets, statuses, timers, connection, current }
}

describe('BoardConnection', () => {
  it('joins with the last applied seq and goes online on welcome', () => {
    const { current, statuses, model } = setup()
    model.loadSnapshot(7, [])
    current().accept()
    expect(current().sent[0]).toEqual({
      type: 'join',
      token: 'tok',
      last_seq: 7,
      user: { name: 'Ada', color: '#ff0000' },
    })
    current().receive(welcome)
    expect(statuses.at(-1)).toEqual(['online', null])
  })

  it('keeps edits made offline and sends each once after reconnecting', () => {
    const { current, model, connection, timers } = setup()
    current().accept()
    current().receive(welcome)
    current().receive({ type: 'snapshot', seq: 0, elements: [] })
    current().drop(1006)

    model.addPending({ op_id: 'o1', kind: 'add', element: rect('a') })
    connection.flush()
    expect(current().sentOfType('ops')).toEqual([])

    timers.runNext()
    current().accept()
    expect(current().sentOfType('join')[0]?.last_seq).toBe(0)
    current().receive(welcome)
    current().receive({ type: 'ops', ops: [] })
    connection.flush()
    const batches = current().sentOfType('ops')
    expect(batches).toHaveLength(1)
    expect(batches[0]?.ops.map((op) => op.op_id)).toEqual(['o1'])
  })

  it('re-sends unacknowledged ops on a new connection with the same op ids', () => {
    const { current, model, connection, timers } = setup()
    current().accept()
    current().receive(welcome)
    model.addPending({ op_id: 'o1', kind: 'add', element: rect('a') })
    connection.flush()
    const first = current()
    current().drop(1006)

    timers.runNext()
    current().accept()
    current().receive(welcome)
    expect(current()).not.toBe(first)
    expect(current().sentOfType('ops')[0]?.ops[0]?.op_id).toBe('o1')

    // The first send had been applied: the server says duplicate and replays it.
    current().receive({ type: 'ack', results: [{ op_id: 'o1', status: 'duplicate', seq: 1 }] })
    current().receive({
      type: 'ops',
      ops: [applied({ op_id: 'o1', kind: 'add', element: rect('a') }, 1, rect('a'))],
    })
    expect(model.pending).toEqual([])
    expect(model.elements()).toHaveLength(1)
  })

  it('backs off with growing delays while the server stays away', () => {
    const { current, timers, statuses } = setup(() => 1)
    const delays: (number | undefined)[] = []
    for (let i = 0; i < 4; i++) {
      current().drop(1006)
      delays.push(timers.runNext())
    }
    expect(delays).toEqual([500, 1000, 2000, 4000])
    expect(statuses.filter(([status]) => status === 'offline')).toHaveLength(4)
  })

  it('honours the server reconnect delay and resets backoff after joining', () => {
    const { current, timers } = setup(() => 0)
    current().drop(1006)
    timers.runNext()
    current().drop(1006)
    timers.runNext()
    current().accept()
    current().receive(welcome)
    current().receive({ type: 'reconnect', after_ms: 3000 })
    current().drop(1012)
    expect(timers.runNext()).toBe(3000)
    // Counting had restarted at the welcome: attempt 1, not attempt 4.
    current().drop(1006)
    expect(timers.runNext()).toBe(500)
  })

  it('stops retrying when the board is gone or the link is refused', () => {
    const gone = setup()
    gone.current().drop(4404)
    expect(gone.timers.timeouts).toHaveLength(0)
    expect(gone.statuses.at(-1)?.[0]).toBe('gone')

    const refused = setup()
    refused.current().drop(1008)
    expect(refused.statuses.at(-1)?.[0]).toBe('refused')
  })

  it('rejoins at once when a seq is missing, so the server replays the gap', () => {
    const { current, timers } = setup()
    current().accept()
    current().receive(welcome)
    current().receive({ type: 'snapshot', seq: 1, elements: [] })
    current().receive({
      type: 'ops',
      ops: [applied({ op_id: 'x', kind: 'delete', element_id: 'a' }, 3)],
    })
    expect(timers.runNext()).toBe(0)
  })

  it('does not reconnect after stop', () => {
    const { current, connection, timers } = setup()
    current().accept()
    connection.stop()
    expect(timers.timeouts).toHaveLength(0)
  })
})
