import { resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

/** The console's JavaScript, gzipped, must stay within this (issue 13): the build fails above it. */
export const JS_BUDGET_BYTES = 150 * 1024

const APP_DIR = resolve(import.meta.dirname, 'app')

/** Reports the gzipped size of every JavaScript chunk and fails the build over the budget. */
function bundleBudget(): Plugin {
  return {
    name: 'console-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let total = 0
      const lines: string[] = []
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue
        const gzipped = gzipSync(file.code, { level: 9 }).length
        total += gzipped
        lines.push(`  ${file.fileName}: ${(file.code.length / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped`)
      }
      const verdict = `${(total / 1024).toFixed(1)} KB of ${JS_BUDGET_BYTES / 1024} KB gzipped`
      this.info(`console JavaScript: ${verdict}\n${lines.join('\n')}`)
      console.log(`[console] JavaScript bundle: ${verdict}`)
      if (total > JS_BUDGET_BYTES) this.error(`the console's JavaScript is over its budget: ${verdict}`)
    }
  }
}

export default defineConfig({
  root: APP_DIR,
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The typed client from its TypeScript source (the workspace package's dist may not be built yet).
  resolve: { alias: { '@vipps-orgs/client': resolve(import.meta.dirname, '..', '..', 'packages', 'client', 'src', 'index.ts') } },
  build: {
    outDir: resolve(import.meta.dirname, '..', '..', 'dist', 'public', 'console'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // No inline <script> or data: URL that a strict CSP would block.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false }
  },
  plugins: [bundleBudget()]
})
