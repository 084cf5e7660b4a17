/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    solid(),
    VitePWA({
      // Registered by src/ui/pwa.ts with workbox-window, which asks before updating.
      injectRegister: false,
      registerType: 'prompt',
      filename: 'sw.js',
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'EdgeSync',
        short_name: 'EdgeSync',
        description: 'Fossil repositories in your browser, synced over NATS.',
        theme_color: '#1f4e79',
        background_color: '#f4f6f9',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The whole app, the worker and SQLite's wasm: a reload works offline.
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/edgesync-hub\.json/],
        cleanupOutdatedCaches: true,
        // A click on a chat notification opens its thread (public/sw-notify.js).
        importScripts: ['sw-notify.js'],
      },
    }),
  ],
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  server: {
    headers: {
      // SQLite-WASM's OPFS VFS and SharedArrayBuffer need cross-origin isolation.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
  },
  // No bundler timing report: it is noise in `npm start` and `npm test` (bench/ times the app).
  worker: { format: 'es', rolldownOptions: { checks: { bundlerTimings: false } } },
  build: { outDir: 'dist/web', target: 'es2022', rolldownOptions: { checks: { bundlerTimings: false } } },
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/helpers/setup.ts'],
    // Generous limits, so the suite holds on a busy machine (.ci/busy runs it under full load):
    // a test that is slow there is late, not failed. Speed is measured in bench/, never asserted.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll waits for a condition and ends as soon as it holds (vitest's default gives up after 1 s).
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
    environment: 'node',
  },
});
