import { describe, expect, it } from 'vitest'
import { shareUrl, socketUrl } from './api'

describe('links', () => {
  it('puts the token in the fragment of the share URL', () => {
    expect(shareUrl('https://wb.example', 'abc_-1', 'tok.en')).toBe(
      'https://wb.example/b/abc_-1#tok.en',
    )
  })

  it('uses wss behind https and ws otherwise', () => {
    expect(socketUrl({ protocol: 'https:', host: 'wb.example' }, 'b')).toBe(
      'wss://wb.example/ws/boards/b',
    )
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, 'b')).toBe(
      'ws://127.0.0.1:8080/ws/boards/b',
    )
  })
})
