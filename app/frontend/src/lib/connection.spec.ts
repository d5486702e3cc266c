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
    this.receiveFrame(message)
  }
  receiveBatch(messages: ServerMessage[]) {
    this.receiveFrame({ type: 'batch', messages })
  }
  receiveFrame(frame: object) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }))
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
  timeouts: { id: number; callback: () => void; ms: number }[] = []
  private lastId = 0
  setTimeout(callback: () => void, ms: number) {
    this.lastId += 1
    this.timeouts.push({ id: this.lastId, callback, ms })
    return this.lastId
  }
  clearTimeout(handle: unknown) {
    this.timeouts = this.timeouts.filter((timeout) => timeout.id !== handle)
  }
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
  const messages: ServerMessage[] = []
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
    onMessage: (message) => messages.push(message),
    onStatus: (status, retry) => statuses.push([status, retry]),
    timers,
    random,
  })
  connection.start()
  const current = () => sockets[sockets.length - 1] as FakeSocket
  return { model, sockets, statuses, messages, timers, connection, current }
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
      batch: true,
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

describe('BoardConnection with batch frames', () => {
  it('handles the messages of a batch frame in order, as if each had come alone', () => {
    const { current, model, messages, statuses, connection } = setup()
    model.addPending({ op_id: 'o1', kind: 'add', element: rect('mine') })
    current().accept()
    current().receiveBatch([
      welcome,
      { type: 'snapshot', seq: 1, elements: [rect('a')] },
      {
        type: 'ops',
        ops: [applied({ op_id: 'x', kind: 'add', element: rect('b') }, 2, rect('b'))],
      },
      { type: 'pong' },
    ])

    expect(messages.map((message) => message.type)).toEqual(['welcome', 'snapshot', 'ops', 'pong'])
    expect(statuses.at(-1)).toEqual(['online', null])
    expect(model.seq).toBe(2)
    expect(model.elements().map((element) => element.id)).toEqual(['a', 'b', 'mine'])
    // Pending ops went out once the snapshot was in, as they do without batching.
    expect(
      current()
        .sentOfType('ops')
        .map((batch) => batch.ops[0]?.op_id),
    ).toEqual(['o1'])
    connection.flush()
    expect(current().sentOfType('ops')).toHaveLength(1)
  })

  it('drops the rest of a batch frame once a message in it closed the socket', () => {
    const { current, messages, timers } = setup()
    current().accept()
    current().receive(welcome)
    current().receive({ type: 'snapshot', seq: 1, elements: [] })
    current().receiveBatch([
      { type: 'ops', ops: [applied({ op_id: 'x', kind: 'delete', element_id: 'a' }, 3)] },
      { type: 'pong' },
    ])

    expect(messages.map((message) => message.type)).toEqual(['welcome', 'snapshot', 'ops'])
    expect(timers.runNext()).toBe(0)
  })

  it('ignores frames and batch entries it does not know', () => {
    const { current, messages } = setup()
    current().accept()
    current().receiveFrame({ type: 'batch', messages: 'welcome' })
    current().receiveFrame({ type: 'batch', messages: [{ type: 'surprise' }, 7, null, welcome] })
    current().onmessage?.(new MessageEvent('message', { data: '{not json' }))

    expect(messages.map((message) => message.type)).toEqual(['welcome'])
  })
})

describe('BoardConnection and its own live messages', () => {
  const mine = { client_id: 'me', stroke_id: 's1', points: [[1, 2]], style: rect('a').style }
  const myCursor = { client_id: 'me', name: 'Ada', color: '#ff0000', x: 1, y: 2 }

  it('ignores stroke and presence messages carrying its own client id', () => {
    const { current, messages } = setup()
    current().accept()
    current().receive(welcome)
    current().receive({ type: 'stroke', ...mine } as ServerMessage)
    current().receiveBatch([
      { type: 'presence', ...myCursor },
      { type: 'presence', ...myCursor, client_id: 'other' },
      { type: 'stroke', ...mine, client_id: 'other' } as ServerMessage,
      { type: 'left', client_id: 'other' },
    ])

    expect(messages).toEqual([
      welcome,
      { type: 'presence', ...myCursor, client_id: 'other' },
      { type: 'stroke', ...mine, client_id: 'other' },
      { type: 'left', client_id: 'other' },
    ])
  })

  it('takes its client id from each welcome, so a new connection filters its new id', () => {
    const { current, messages, timers } = setup()
    current().accept()
    current().receive(welcome)
    current().drop(1006)
    timers.runNext()
    current().accept()
    current().receive({ ...welcome, client_id: 'me-again' } as ServerMessage)
    current().receive({ type: 'presence', ...myCursor, client_id: 'me-again' })
    current().receive({ type: 'presence', ...myCursor })

    expect(messages.filter((message) => message.type === 'presence')).toEqual([
      { type: 'presence', ...myCursor },
    ])
  })
})

describe('BoardConnection after a rate_limited refusal', () => {
  const rateLimited: ServerMessage = {
    type: 'error',
    code: 'rate_limited',
    message: 'at most 200 operations a second',
  }

  function joinedWithOneOpSent(random = () => 0) {
    const context = setup(random)
    context.current().accept()
    context.current().receive(welcome)
    context.current().receive({ type: 'snapshot', seq: 0, elements: [] })
    context.model.addPending({ op_id: 'o1', kind: 'add', element: rect('a') })
    context.connection.flush()
    return context
  }

  const sentOpIds = (socket: FakeSocket) =>
    socket.sentOfType('ops').map((batch) => batch.ops.map((op) => op.op_id))

  it('re-sends the refused ops after a wait, and holds new ones until then', () => {
    const { current, model, connection, timers } = joinedWithOneOpSent()
    current().receive(rateLimited)
    model.addPending({ op_id: 'o2', kind: 'add', element: rect('b') })
    connection.flush()
    expect(sentOpIds(current())).toEqual([['o1']])

    expect(timers.runNext()).toBe(1000)
    expect(sentOpIds(current())).toEqual([['o1'], ['o1', 'o2']])
    connection.flush()
    expect(sentOpIds(current())).toHaveLength(2)
  })

  it('re-sends only ops that are still unanswered', () => {
    const { current, model, connection, timers } = joinedWithOneOpSent()
    model.addPending({ op_id: 'o2', kind: 'add', element: rect('b') })
    connection.flush()
    // The first message was applied, the second refused.
    current().receive({ type: 'ack', results: [{ op_id: 'o1', status: 'applied', seq: 1 }] })
    current().receive({
      type: 'ops',
      ops: [applied({ op_id: 'o1', kind: 'add', element: rect('a') }, 1, rect('a'))],
    })
    current().receive(rateLimited)

    timers.runNext()
    expect(sentOpIds(current())).toEqual([['o1'], ['o2'], ['o2']])
  })

  it('waits longer after each refusal in a row, with jitter, and starts over once accepted', () => {
    const { current, timers } = joinedWithOneOpSent(() => 1)
    const waits: (number | undefined)[] = []
    for (let i = 0; i < 5; i++) {
      current().receive(rateLimited)
      waits.push(timers.runNext())
    }
    expect(waits).toEqual([2000, 4000, 8000, 16_000, 16_000])
    expect(sentOpIds(current())).toHaveLength(6)

    current().receive({ type: 'ack', results: [{ op_id: 'o1', status: 'duplicate', seq: 1 }] })
    current().receive(rateLimited)
    expect(timers.runNext()).toBe(2000)

    const jittered = joinedWithOneOpSent(() => 0.5)
    jittered.current().receive(rateLimited)
    expect(jittered.timers.runNext()).toBe(1500)
  })

  it('restarts a longer wait when another refusal comes during the wait', () => {
    const { current, timers } = joinedWithOneOpSent()
    current().receive(rateLimited)
    current().receive(rateLimited)

    expect(timers.timeouts.map((timeout) => timeout.ms)).toEqual([2000])
    timers.runNext()
    expect(sentOpIds(current())).toEqual([['o1'], ['o1']])
  })

  it('drops the wait when the connection drops, and re-sends after the next welcome', () => {
    const { current, timers } = joinedWithOneOpSent()
    current().receive(rateLimited)
    current().drop(1006)

    expect(timers.timeouts).toHaveLength(1)
    timers.runNext()
    current().accept()
    current().receive(welcome)
    expect(sentOpIds(current())).toEqual([['o1']])
    expect(timers.timeouts).toHaveLength(0)
  })
})
