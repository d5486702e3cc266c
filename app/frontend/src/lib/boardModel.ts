import type { AckResult, AppliedOp, BoardElement, ElementPatch, Op } from './protocol'
import { DEFAULT_STYLE } from './shapes'

/** An op the server refused, with its reason. */
export interface Rejection {
  op: Op
  code: string
  message: string
}

/**
 * The board as one client knows it: the server's state up to `seq`, plus this client's own
 * operations the server has not yet confirmed, shown on top.
 *
 * Server operations are applied strictly in `seq` order; ones that arrive early wait for
 * the gap to fill. A pending op leaves the queue once the server's broadcast of it (or a
 * later seq) has been applied, or when the server rejects it.
 */
export class BoardModel {
  private confirmed = new Map<string, BoardElement>()
  private early = new Map<number, AppliedOp>()
  private pendingOps: Op[] = []
  /** op_id → the seq the server gave it, for ops acknowledged before their broadcast. */
  private ackedAt = new Map<string, number>()
  private appliedSeq: number | null = null

  get seq(): number | null {
    return this.appliedSeq
  }

  get pending(): readonly Op[] {
    return this.pendingOps
  }

  /** Whether ops beyond a missing seq are waiting; a resync (rejoin) fills the gap. */
  get hasGap(): boolean {
    return this.early.size > 0
  }

  /** Replaces the server state; pending ops stay and are shown on top of it. */
  loadSnapshot(seq: number, elements: BoardElement[]): void {
    this.confirmed = new Map(elements.map((element) => [element.id, withDefaults(element)]))
    this.appliedSeq = seq
    for (const [seqOfOp] of this.early) if (seqOfOp <= seq) this.early.delete(seqOfOp)
    this.dropConfirmedPending()
  }

  /** Applies server ops in seq order; returns whether the visible board may have changed. */
  receiveOps(ops: AppliedOp[]): boolean {
    const before = this.appliedSeq
    for (const op of ops) {
      if (this.appliedSeq === null || op.seq > this.appliedSeq) this.early.set(op.seq, op)
    }
    for (;;) {
      const next = this.appliedSeq === null ? this.lowestEarly() : this.appliedSeq + 1
      const op = next === null ? undefined : this.early.get(next)
      if (op === undefined) break
      this.early.delete(op.seq)
      this.applyConfirmed(op)
      this.appliedSeq = op.seq
      this.pendingOps = this.pendingOps.filter((mine) => mine.op_id !== op.op_id)
    }
    this.dropConfirmedPending()
    return this.appliedSeq !== before
  }

  /** Queues one of this client's own ops; it shows at once and is sent when possible. */
  addPending(op: Op): void {
    this.pendingOps.push(op)
  }

  /** Handles the server's answers to a batch; returns the ops it rejected. */
  receiveAck(results: AckResult[]): Rejection[] {
    const rejections: Rejection[] = []
    for (const result of results) {
      if (result.status === 'rejected') {
        const op = this.pendingOps.find((mine) => mine.op_id === result.op_id)
        if (op !== undefined) {
          rejections.push({
            op,
            code: result.code ?? 'rejected',
            message: result.message ?? 'The server refused this change.',
          })
        }
        this.pendingOps = this.pendingOps.filter((mine) => mine.op_id !== result.op_id)
      } else if (result.seq !== undefined) {
        this.ackedAt.set(result.op_id, result.seq)
      }
    }
    this.dropConfirmedPending()
    return rejections
  }

  /** The elements to draw, bottom to top. */
  elements(): BoardElement[] {
    const view = new Map(this.confirmed)
    for (const op of this.pendingOps) applyOp(view, op)
    return [...view.values()].sort((a, b) => a.z - b.z || (a.id < b.id ? -1 : 1))
  }

  element(id: string): BoardElement | undefined {
    return this.elements().find((element) => element.id === id)
  }

  topZ(): number {
    let top = 0
    for (const element of this.elements()) top = Math.max(top, element.z)
    return top
  }

  private applyConfirmed(op: AppliedOp): void {
    if (op.kind !== 'delete' && op.element !== undefined) {
      this.confirmed.set(op.element.id, withDefaults(op.element))
      return
    }
    applyOp(this.confirmed, op)
  }

  private lowestEarly(): number | null {
    if (this.early.size === 0) return null
    return Math.min(...this.early.keys())
  }

  private dropConfirmedPending(): void {
    const seq = this.appliedSeq
    if (seq === null) return
    this.pendingOps = this.pendingOps.filter((op) => {
      const ackSeq = this.ackedAt.get(op.op_id)
      return ackSeq === undefined || ackSeq > seq
    })
    for (const [opId, ackSeq] of this.ackedAt) if (ackSeq <= seq) this.ackedAt.delete(opId)
  }
}

/** Applies one op to a map of elements, the way the server would. */
export function applyOp(elements: Map<string, BoardElement>, op: Op): void {
  if (op.kind === 'add') {
    elements.set(op.element.id, op.element)
  } else if (op.kind === 'delete') {
    elements.delete(op.element_id)
  } else {
    const current = elements.get(op.element_id)
    if (current !== undefined) elements.set(op.element_id, patchElement(current, op.patch))
  }
}

/**
 * Fills in what the server may leave out: other clients may omit `font_size` or the
 * geometry fields a type does not use.
 */
export function withDefaults(element: BoardElement): BoardElement {
  return {
    ...element,
    x: element.x ?? 0,
    y: element.y ?? 0,
    w: element.w ?? 0,
    h: element.h ?? 0,
    z: element.z ?? 0,
    style: {
      stroke: element.style?.stroke ?? DEFAULT_STYLE.stroke,
      fill: element.style?.fill ?? DEFAULT_STYLE.fill,
      width: element.style?.width ?? DEFAULT_STYLE.width,
      font_size: element.style?.font_size ?? DEFAULT_STYLE.font_size,
    },
  }
}

export function patchElement(element: BoardElement, patch: ElementPatch): BoardElement {
  return {
    ...element,
    ...patch,
    style: patch.style ? { ...element.style, ...patch.style } : element.style,
  }
}
