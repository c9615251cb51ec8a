import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Renderer build. `base: './'` keeps every asset URL relative, so the same bundle loads from
 * file:// inside Electron and from http://localhost in the web shell. Vite emits only external
 * module scripts, which satisfies the `script-src 'self'` CSP.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2023',
    chunkSizeWarningLimit: 2500,
    // No inline module-preload polyfill script.
    modulePreload: { polyfill: false },
  },
  // `npm run dev`: set OMS_API_URL (e.g. http://127.0.0.1:4310) to forward /api/* to a running web shell.
  server: {
    port: 5173,
    strictPort: true,
    proxy: process.env['OMS_API_URL']
      ? { '/api': { target: process.env['OMS_API_URL'], changeOrigin: false } }
      : undefined,
  },
});
