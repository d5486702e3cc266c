import type { AppliedOp, BoardElement, Op } from './protocol'

/** A rectangle element for tests. */
export function rect(id: string, overrides: Partial<BoardElement> = {}): BoardElement {
  return {
    id,
    type: 'rect',
    x: 0,
    y: 0,
    w: 10,
    h: 10,
    style: { stroke: '#1e1e1e', fill: 'transparent', width: 2, font_size: 20 },
    z: 1,
    ...overrides,
  }
}

/** The server's broadcast of `op` at `seq`, with the resulting element as the server sends it. */
export function applied(op: Op, seq: number, element?: BoardElement): AppliedOp {
  return { ...op, seq, client_id: 'someone', ...(element ? { element } : {}) }
}
