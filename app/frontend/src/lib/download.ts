import { boardToSvg, exportArea } from './exportBoard'
import type { BoardElement } from './protocol'
import { drawElement } from './render'

const PNG_SCALE = 2

function save(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** A file name from the board's name, safe on every operating system. */
export function exportFileName(boardName: string, extension: string): string {
  const base = boardName
    .replace(/[^\p{L}\p{N} _-]+/gu, '')
    .trim()
    .slice(0, 80)
  return `${base === '' ? 'whiteboard' : base}.${extension}`
}

export function downloadSvg(elements: readonly BoardElement[], boardName: string) {
  const measuring = document.createElement('canvas').getContext('2d')
  const measure = (font: string, line: string) => {
    if (measuring === null) return line.length * 10
    measuring.font = font
    return measuring.measureText(line).width
  }
  const svg = boardToSvg(elements, measure)
  save(new Blob([svg], { type: 'image/svg+xml' }), exportFileName(boardName, 'svg'))
}

export function downloadPng(elements: readonly BoardElement[], boardName: string) {
  const area = exportArea(elements) ?? { x: 0, y: 0, w: 100, h: 100 }
  const canvas = document.createElement('canvas')
  canvas.width = Math.ceil(area.w * PNG_SCALE)
  canvas.height = Math.ceil(area.h * PNG_SCALE)
  const ctx = canvas.getContext('2d')
  if (ctx === null) throw new Error('This browser cannot draw to a canvas.')
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.setTransform(PNG_SCALE, 0, 0, PNG_SCALE, -area.x * PNG_SCALE, -area.y * PNG_SCALE)
  for (const element of elements) drawElement(ctx, element)
  canvas.toBlob((blob) => {
    if (blob !== null) save(blob, exportFileName(boardName, 'png'))
  }, 'image/png')
}
