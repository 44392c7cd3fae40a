import { CancelledError } from './errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  disabled?: boolean | string;
}

/**
 * What the commands may ask. The real implementation wraps @inquirer/prompts (rendered on
 * stderr); tests inject a scripted one.
 */
export interface Prompter {
  /** `validate` runs on Enter; it also runs as you type, its message shown beside the answer. */
  input(o: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  password(o: { message: string; validate?: (v: string) => true | string }): Promise<string>;
  confirm(o: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(o: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(o: { message: string; choices: (Choice<T> & { checked?: boolean })[] }): Promise<T[]>;
}

/** @inquirer/prompts, loaded on first use; Ctrl-C becomes a CancelledError (exit 130). */
export function inquirerPrompter(): Prompter {
  const ctx = { output: process.stderr, clearPromptOnDone: false };
  const load = () => import('./inquirer.js');
  const wrap = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'ExitPromptError' || name === 'AbortPromptError') throw new CancelledError('Cancelled.');
      throw e;
    }
  };
  return {
    input: async (o) => {
      const p = await load();
      const validate = o.validate;
      // Validated as you type: the problem shows beside the answer before Enter is pressed.
      const transformer = validate
        ? (v: string, { isFinal }: { isFinal: boolean }) => {
            const verdict = isFinal || v === '' ? true : validate(v);
            return verdict === true ? v : `${v}  ← ${verdict}`;
          }
        : undefined;
      return wrap(() => p.input({ message: o.message, default: o.default, validate, transformer }, ctx));
    },
    password: async (o) => {
      const p = await load();
      return wrap(() => p.password({ message: o.message, mask: '*', validate: o.validate }, ctx));
    },
    confirm: async (o) => {
      const p = await load();
      return wrap(() => p.confirm({ message: o.message, default: o.default }, ctx));
    },
    select: async <T>(o: { message: string; choices: Choice<T>[]; default?: T }) => {
      const p = await load();
      return wrap(() => p.select<T>({ message: o.message, choices: o.choices, default: o.default, pageSize: 12 }, ctx));
    },
    checkbox: async <T>(o: { message: string; choices: (Choice<T> & { checked?: boolean })[] }) => {
      const p = await load();
      return wrap(() => p.checkbox<T>({ message: o.message, choices: o.choices }, ctx));
    },
  };
}

/** A prompter that fails loudly: used when prompting is not allowed. */
export function noPrompter(): Prompter {
  const fail = (): never => {
    throw new Error('internal: prompt requested while prompting is disabled');
  };
  return { input: fail, password: fail, confirm: fail, select: fail, checkbox: fail };
}
