import { describe, expect, it } from 'vitest'
import { RATE_LIMIT_BACKOFF, reconnectDelayMs, serverRequestedDelayMs } from './backoff'

describe('reconnect backoff', () => {
  it('doubles the ceiling with each attempt and caps it', () => {
    const highest = (attempt: number) => reconnectDelayMs(attempt, () => 1)
    expect(highest(0)).toBe(500)
    expect(highest(1)).toBe(1000)
    expect(highest(3)).toBe(4000)
    expect(highest(20)).toBe(15_000)
  })

  it('keeps half of the delay fixed and randomises the other half', () => {
    expect(reconnectDelayMs(2, () => 0)).toBe(1000)
    expect(reconnectDelayMs(2, () => 0.5)).toBe(1500)
    for (let i = 0; i < 50; i++) {
      const delay = reconnectDelayMs(4)
      expect(delay).toBeGreaterThanOrEqual(4000)
      expect(delay).toBeLessThanOrEqual(8000)
    }
  })

  it('waits at least what the server asked for', () => {
    expect(serverRequestedDelayMs(2000, () => 0)).toBe(2000)
    expect(serverRequestedDelayMs(2000, () => 1)).toBe(3000)
    expect(serverRequestedDelayMs(-5, () => 0)).toBe(0)
  })

  it('waits at least a second before re-sending rate-limited ops', () => {
    expect(reconnectDelayMs(0, () => 0, RATE_LIMIT_BACKOFF)).toBe(1000)
    expect(reconnectDelayMs(30, () => 1, RATE_LIMIT_BACKOFF)).toBe(16_000)
  })
})
