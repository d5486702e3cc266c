import { ref } from 'vue'
import { panBy, zoomAt, type Rect, type Vec, type Viewport } from '../lib/geometry'

/** The pan and zoom of the board view. */
export function useViewport() {
  const view = ref<Viewport>({ x: 0, y: 0, zoom: 1 })

  function pan(screenDx: number, screenDy: number) {
    view.value = panBy(view.value, screenDx, screenDy)
  }

  function zoom(factor: number, around: Vec) {
    view.value = zoomAt(view.value, around, factor)
  }

  function reset() {
    view.value = { x: 0, y: 0, zoom: 1 }
  }

  /** Fits `area` (world units) into a screen of the given size. */
  function fit(area: Rect, screenWidth: number, screenHeight: number) {
    const zoomLevel = Math.min(2, screenWidth / area.w, screenHeight / area.h)
    view.value = {
      zoom: zoomLevel,
      x: area.x + area.w / 2 - screenWidth / 2 / zoomLevel,
      y: area.y + area.h / 2 - screenHeight / 2 / zoomLevel,
    }
  }

  return { view, pan, zoom, reset, fit }
}
