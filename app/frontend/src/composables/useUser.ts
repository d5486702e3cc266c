import { ref, watch } from 'vue'
import type { User } from '../lib/protocol'

const USER_KEY = 'whiteboard:user'
export const CURSOR_COLORS = ['#e03131', '#2f9e44', '#1971c2', '#f08c00', '#9c36b5', '#0c8599']

function randomUser(): User {
  const index = Math.floor(Math.random() * CURSOR_COLORS.length)
  return {
    name: `Guest ${Math.floor(1000 + Math.random() * 9000)}`,
    color: CURSOR_COLORS[index] ?? '#1971c2',
  }
}

function loadUser(): User {
  try {
    const value = JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as Partial<User> | null
    if (typeof value?.name === 'string' && typeof value.color === 'string' && value.name !== '') {
      return { name: value.name, color: value.color }
    }
  } catch {
    // Unreadable: start over with a new name.
  }
  return randomUser()
}

/** This browser's display name and cursor colour, kept in localStorage. */
export function useUser() {
  const user = ref<User>(loadUser())
  watch(user, (value) => localStorage.setItem(USER_KEY, JSON.stringify(value)), {
    deep: true,
    immediate: true,
  })

  function rename(name: string) {
    const trimmed = name.trim().slice(0, 40)
    if (trimmed !== '') user.value = { ...user.value, name: trimmed }
  }

  return { user, rename }
}
