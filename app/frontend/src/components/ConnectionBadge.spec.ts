// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ConnectionBadge from './ConnectionBadge.vue'

describe('ConnectionBadge', () => {
  it('says live when connected with nothing waiting', () => {
    const badge = mount(ConnectionBadge, {
      props: { status: 'online', retryInMs: null, pendingCount: 0 },
    })
    expect(badge.text()).toBe('Live')
    expect(badge.attributes('data-status')).toBe('online')
  })

  it('counts unsaved changes and the next retry while offline', () => {
    const badge = mount(ConnectionBadge, {
      props: { status: 'offline', retryInMs: 3400, pendingCount: 2 },
    })
    expect(badge.text()).toContain('Offline')
    expect(badge.text()).toContain('retrying in 3 s')
    expect(badge.text()).toContain('2 unsaved changes')
    expect(badge.text()).not.toContain('undefined')
  })

  it('names a refused link and a deleted board', () => {
    const refused = mount(ConnectionBadge, {
      props: { status: 'refused', retryInMs: null, pendingCount: 0 },
    })
    const gone = mount(ConnectionBadge, {
      props: { status: 'gone', retryInMs: null, pendingCount: 1 },
    })
    expect(refused.text()).toBe('Link not valid')
    expect(gone.text()).toContain('Board deleted')
    expect(gone.text()).toContain('1 unsaved change')
  })
})
