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
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
