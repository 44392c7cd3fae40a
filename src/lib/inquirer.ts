/**
 * The prompts src/lib/prompt.ts uses, and only those: @inquirer/prompts' `editor` alone brings
 * iconv-lite and chardet (~0.5 MB) into the bundle, which a namespace import() would keep.
 */
export { checkbox, confirm, input, password, select } from '@inquirer/prompts';
