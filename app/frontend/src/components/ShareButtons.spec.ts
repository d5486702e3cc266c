// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ShareButtons from './ShareButtons.vue'

const links = { edit_token: 'edit.tok', view_token: 'view.tok' }
const origin = window.location.origin

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('ShareButtons', () => {
  let fetchMock: ReturnType<typeof vi.fn>
  let writeText: ReturnType<typeof vi.fn>

  beforeEach(() => {
    fetchMock = vi.fn(async () => answer(200, links))
    vi.stubGlobal('fetch', fetchMock)
    writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
  })

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('lets an edit-link holder copy the view link the server gives', async () => {
    const share = mount(ShareButtons, {
      props: { boardId: 'b1', token: 'edit.tok', role: 'edit', viewToken: null },
    })
    await flushPromises()

    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [path, init] = fetchMock.mock.calls[0] as [string, RequestInit]
    expect(path).toBe('/api/boards/b1/links')
    expect(init.method).toBe('GET')
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer edit.tok')

    const viewButton = share.get('[data-testid=copy-view-link]')
    expect(viewButton.attributes('disabled')).toBeUndefined()
    await viewButton.trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(`${origin}/b/b1#view.tok`)
    expect(viewButton.text()).toBe('Copied!')
  })

  it('prefers the current view token over one remembered from before a reissue', async () => {
    const share = mount(ShareButtons, {
      props: { boardId: 'b1', token: 'edit.tok', role: null, viewToken: 'old.view' },
    })
    await share.setProps({ role: 'edit' })
    await flushPromises()

    await share.get('[data-testid=copy-view-link]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(`${origin}/b/b1#view.tok`)
  })

  it('asks nothing of the server for a view-link holder', async () => {
    const share = mount(ShareButtons, {
      props: { boardId: 'b1', token: 'view.tok', role: 'view', viewToken: null },
    })
    await flushPromises()

    expect(fetchMock).not.toHaveBeenCalled()
    expect(share.find('[data-testid=copy-edit-link]').exists()).toBe(false)
    await share.get('[data-testid=copy-view-link]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(`${origin}/b/b1#view.tok`)
  })

  it('keeps the view button disabled and says why when the server refuses', async () => {
    fetchMock.mockImplementation(async () =>
      answer(401, { detail: { code: 'bad_token', message: 'this link was revoked' } }),
    )
    const share = mount(ShareButtons, {
      props: { boardId: 'b1', token: 'edit.tok', role: 'edit', viewToken: null },
    })
    await flushPromises()

    const viewButton = share.get('[data-testid=copy-view-link]')
    expect(viewButton.attributes('disabled')).toBeDefined()
    expect(viewButton.attributes('title')).toContain('reload the page')
  })
})
