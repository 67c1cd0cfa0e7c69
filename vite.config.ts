import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repoRoot = import.meta.dirname;

export default defineConfig({
  root: resolve(repoRoot, 'web'),
  plugins: [react()],
  build: {
    // The server serves this folder at / (src/server/app.ts).
    outDir: resolve(repoRoot, 'dist/web'),
    emptyOutDir: true,
    // The ECharts chunk (~560 KB, ~175 KB gzipped) loads only with the goal page's chart;
    // the initial bundle stays near 110 KB gzipped.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
