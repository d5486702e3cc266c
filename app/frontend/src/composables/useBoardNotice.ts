import { computed, type Ref } from 'vue'
import type { useBoardSync } from './useBoardSync'

/** The one message the board page shows about something that went wrong, most urgent first. */
export function useBoardNotice(
  sync: ReturnType<typeof useBoardSync>,
  token: string,
  renameError: Ref<string | null>,
) {
  return computed(() => {
    if (token === '') return 'This link has no access token: open the full link you were given.'
    if (sync.status.value === 'refused') return 'This link is not valid, or it was revoked.'
    if (sync.status.value === 'gone') return 'This board was deleted.'
    if (sync.storageFull.value && sync.pendingCount.value > 0) {
      return 'This browser refused to keep your unsent changes: do not reload until they are saved.'
    }
    if (renameError.value !== null) return renameError.value
    const rejected = sync.rejections.value.at(-1)
    if (rejected !== undefined) return `A change was not saved: ${rejected.message}`
    return sync.serverError.value
  })
}
