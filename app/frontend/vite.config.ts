import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// `npm run dev` proxies the API and the WebSocket to one local backend instance.
const backend = process.env.WHITEBOARD_BACKEND ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue()],
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/ws': { target: backend, ws: true, changeOrigin: false },
    },
  },
  build: {
    sourcemap: true,
  },
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
  },
})
