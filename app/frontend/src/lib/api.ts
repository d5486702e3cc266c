import type { BoardCreated, BoardLinks, BoardPublic } from './protocol'

/** A refused REST call, carrying the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

async function call<T>(path: string, init: RequestInit, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token !== undefined) headers.Authorization = `Bearer ${token}`
  const response = await fetch(path, { ...init, headers })
  if (!response.ok) throw await errorOf(response)
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { detail?: { code?: string; message?: string } }
    const detail = body.detail
    if (detail?.code !== undefined && detail.message !== undefined) {
      return new ApiError(response.status, detail.code, detail.message)
    }
  } catch {
    // Not the API's JSON error shape (a proxy error page, for instance).
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status}.`)
}

export function createBoard(name: string): Promise<BoardCreated> {
  return call('/api/boards', { method: 'POST', body: JSON.stringify({ name }) })
}

export function renameBoard(id: string, name: string, token: string): Promise<BoardPublic> {
  return call(
    `/api/boards/${encodeURIComponent(id)}`,
    {
      method: 'PATCH',
      body: JSON.stringify({ name }),
    },
    token,
  )
}

/** A board's current share-link tokens, for an edit token; revokes nothing. */
export function readLinks(id: string, token: string): Promise<BoardLinks> {
  return call(`/api/boards/${encodeURIComponent(id)}/links`, { method: 'GET' }, token)
}

/** The page's share URL for a board and token; the token stays in the fragment. */
export function shareUrl(origin: string, boardId: string, token: string): string {
  return `${origin}/b/${encodeURIComponent(boardId)}#${token}`
}

/** The WebSocket URL for a board, on the same host as the page. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, boardId: string) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/ws/boards/${encodeURIComponent(boardId)}`
}
