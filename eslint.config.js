import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdk = { group: ['@aws-sdk/*', '@smithy/*'], message: 'commands talk to AWS through src/aws only' };
const cli = { regex: '(^|/)(cli|program|spec|help)(\\.js)?$', message: 'nothing imports src/cli.ts, src/program.ts, src/spec.ts or src/help.ts: they wire the commands' };
const commands = { regex: '(^|/)commands(/|$)', message: 'only src/spec.ts (the command table) imports commands: dependencies point cli → commands → workflows → steps/doctor → domain/aws/lib' };
const steps = { regex: '(^|/)steps(/|$)', message: 'src/aws, src/lib and src/domain are below src/steps: they never import it' };
const workflows = { regex: '(^|/)workflows(/|$)', message: 'src/workflows holds per-command work built from src/steps: steps, src/aws, src/lib and src/domain never import it' };
const doctor = { regex: '(^|/)doctor(/|$)', message: 'src/aws, src/lib and src/domain are below src/doctor: they never import it' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The launcher is CommonJS (bin/package.json).
  { files: ['bin/**/*.js'], languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Dependencies point one way: cli → commands → workflows → steps/doctor → domain/aws/lib (cli: src/cli.ts, program.ts, spec.ts, help.ts). No command imports another command or src/cli.ts.
  {
    files: ['src/commands/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [sdk, { regex: '^\\./', message: 'a command never imports another command: move what they share to src/workflows, src/steps, src/lib or src/domain' }, cli] }],
    },
  },
  {
    files: ['src/commands/*/**/*.ts'],
    rules: {
      // A command in a folder (init/) imports its own files only.
      'no-restricted-imports': ['error', { patterns: [sdk, { regex: '^\\.\\./[^.][^/]*$', message: 'a command never imports another command: move what they share to src/workflows, src/steps, src/lib or src/domain' }, cli] }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [sdk, commands, cli] }],
    },
  },
  {
    files: ['src/steps/**/*.ts', 'src/doctor/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [commands, workflows, cli] }],
    },
  },
  {
    files: ['src/aws/**/*.ts', 'src/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [commands, workflows, steps, doctor, cli] }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./', message: 'src/domain is plain data: it imports nothing outside src/domain' }] }],
    },
  },
);
