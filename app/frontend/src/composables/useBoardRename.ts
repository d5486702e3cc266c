import { ref } from 'vue'
import { ApiError, renameBoard } from '../lib/api'
import type { BoardPublic } from '../lib/protocol'

/** Renaming a board over REST; the other pages learn the name from the server. */
export function useBoardRename(
  boardId: string,
  token: string,
  onRenamed: (board: BoardPublic) => void,
) {
  const renameError = ref<string | null>(null)

  async function rename(name: string) {
    renameError.value = null
    try {
      onRenamed(await renameBoard(boardId, name, token))
    } catch (failure) {
      const reason = failure instanceof ApiError ? failure.message : 'the server did not answer'
      renameError.value = `The board was not renamed: ${reason}`
    }
  }

  return { rename, renameError }
}
