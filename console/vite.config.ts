// Vite for the console; `npm run dev -w console` proxies the API and sockets to a router on :8080.
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const router = process.env.ATENDE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': router,
      '/ws': { target: router.replace(/^http/, 'ws'), ws: true },
    },
  },
  // The plugin-timing report is noise in CI logs; the build is a few seconds either way.
  build: { chunkSizeWarningLimit: 600, rolldownOptions: { checks: { pluginTimings: false } } },
});
