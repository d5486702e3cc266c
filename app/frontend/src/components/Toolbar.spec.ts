// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import Toolbar from './Toolbar.vue'

const props = { tool: 'select' as const, canUndo: true, canRedo: false }

describe('Toolbar', () => {
  it('offers every tool, undo and redo to an editor', () => {
    const toolbar = mount(Toolbar, { props: { ...props, canEdit: true } })
    const tools = toolbar.findAll('[data-tool]').map((button) => button.attributes('data-tool'))
    expect(tools).toEqual([
      'select',
      'hand',
      'pen',
      'rect',
      'ellipse',
      'line',
      'arrow',
      'text',
      'sticky',
      'eraser',
    ])
    expect(toolbar.find('[aria-label=Undo]').attributes('disabled')).toBeUndefined()
    expect(toolbar.find('[aria-label=Redo]').attributes('disabled')).toBeDefined()
  })

  it('leaves a viewer only selecting and panning', () => {
    const toolbar = mount(Toolbar, { props: { ...props, canEdit: false } })
    const tools = toolbar.findAll('[data-tool]').map((button) => button.attributes('data-tool'))
    expect(tools).toEqual(['select', 'hand'])
    expect(toolbar.find('[aria-label=Undo]').exists()).toBe(false)
  })

  it('reports the chosen tool', async () => {
    const toolbar = mount(Toolbar, { props: { ...props, canEdit: true } })
    await toolbar.find('[data-tool=sticky]').trigger('click')
    expect(toolbar.emitted('select')).toEqual([['sticky']])
  })
})
