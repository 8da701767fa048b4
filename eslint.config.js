import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import boundaries from './tools/eslint/boundaries.js'

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '.data/**',
      'bench/results/**',
      'apps/client/next-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Fastify handlers and hooks are async by contract, awaited or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The architecture's import boundaries (services talk through events, apps reach them over HTTP, only
    // tests, tools and the benchmarks wire services together): see tools/eslint/boundaries.js.
    plugins: { boundaries },
    rules: { 'boundaries/imports': 'error' },
  },
  {
    // `npm start`'s own process runs as long as the stack: the launcher, and the gateway modules it writes
    // nginx's configuration with, load common's setup entry, not the kits a running service needs.
    files: ['tools/stack/src/**/*.ts', 'apps/gateway/src/{config,nginx,request-target,upstreams}.ts'],
    ignores: ['tools/stack/src/republish.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@ticketing/common', message: "Import from '@ticketing/common/setup'." }] },
      ],
    },
  },
  {
    // The web client: React components (.tsx) that run in the browser as well as on the server.
    files: ['apps/client/**/*.ts', 'apps/client/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Tests read JSON bodies and use asymmetric matchers, which are `any` by design.
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // Migrations are frozen in time: typed against Kysely<any>, not against today's schema.
    files: ['**/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
