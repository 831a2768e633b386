import type { CommandResult, Context } from "./context.js";
import { collect, positiveInt } from "./input.js";

/**
 * A command declares itself once: its options (with their parsers and defaults), positional
 * arguments, help text, examples and handler. `src/cli.ts` builds commander from these, the
 * spine test iterates them, and the handler's option types come from the same declaration.
 */
export interface OptionSpec<T> {
  /** Commander flags, e.g. `--queue-url <url>` or `-X, --method <m>`. */
  flags: string;
  description: string;
  parse?: (value: string, previous: T) => T;
  defaultValue?: T;
  /** How --help shows the default when it is not the value itself. */
  defaultDescription?: string;
  choices?: readonly string[];
  /**
   * What shell completion offers for the value when commander must not enforce a closed list
   * itself (comma-separated lists, a handler's own error message); the handler checks.
   */
  values?: readonly string[];
  /** Kept out of --help (still accepted). */
  hidden?: boolean;
  /** Phantom: carries T for type inference only. */
  readonly __type?: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OptionSpecs = Record<string, OptionSpec<any>>;

type ValueOf<O> = O extends OptionSpec<infer T> ? T : never;
type MaybeAbsent<S extends OptionSpecs> = { [K in keyof S]: undefined extends ValueOf<S[K]> ? K : never }[keyof S];

/**
 * The options object a handler receives, derived from the declaration: an option without a
 * default may be absent, one with a default is always there.
 */
export type OptionsOf<S extends OptionSpecs> = {
  [K in keyof S as K extends MaybeAbsent<S> ? never : K]: ValueOf<S[K]>;
} & { [K in MaybeAbsent<S>]?: ValueOf<S[K]> };

export interface ArgSpec {
  /** `<zip>`, `[pipeline]`, `<command...>`. */
  name: string;
  description: string;
  /** What shell completion offers for it (the handler checks the value). */
  values?: readonly string[];
}

export interface CommandSpec<S extends OptionSpecs> {
  options: S;
  args?: ArgSpec[];
  /** Command lines shown under "Example:" in --help; every command has at least one. */
  examples: string[];
  /** Notes printed after the options: JSON shapes, exit codes, safety. */
  help?: string;
  /** Let unknown options through to the positional args (for `-- <command…>`). */
  passThrough?: boolean;
  run(options: OptionsOf<S>, ctx: Context, args: string[]): Promise<CommandResult | void>;
}

export type AnyCommandSpec = CommandSpec<OptionSpecs>;

export function defineCommand<S extends OptionSpecs>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

type Extra<T> = Pick<OptionSpec<T>, "defaultDescription" | "hidden" | "choices" | "values">;

/** Option builders: `opt.string("--queue-url <url>", "…")` is a `string | undefined`. */
export const opt = {
  string(flags: string, description: string, extra: Extra<string> = {}): OptionSpec<string | undefined> {
    return { flags, description, ...extra };
  },
  stringWithDefault(flags: string, description: string, defaultValue: string, extra: Extra<string> = {}): OptionSpec<string> {
    return { flags, description, defaultValue, ...extra };
  },
  flag(flags: string, description: string): OptionSpec<boolean | undefined> {
    return { flags, description };
  },
  /** A whole number in a range; `defaultValue` makes it always present. */
  int<D extends number | undefined = undefined>(
    flags: string,
    description: string,
    range: { min?: number; max?: number; defaultValue?: D } = {},
  ): OptionSpec<D extends number ? number : number | undefined> {
    const name = longFlag(flags);
    return { flags, description, parse: positiveInt(name, range), defaultValue: range.defaultValue as never };
  },
  /** Repeatable: `--vpc a --vpc b` → ["a", "b"]. */
  list(flags: string, description: string, extra: Pick<OptionSpec<string[]>, "values"> = {}): OptionSpec<string[] | undefined> {
    return { flags, description, parse: collect as (value: string, previous: string[] | undefined) => string[], ...extra };
  },
  choice<const C extends string, D extends C | undefined = undefined>(
    flags: string,
    description: string,
    choices: readonly C[],
    defaultValue?: D,
  ): OptionSpec<D extends C ? C : C | undefined> {
    return { flags, description, choices, defaultValue: defaultValue as never };
  },
  /** Any parser: the value type is what it returns. */
  custom<T, D extends T | undefined = undefined>(
    flags: string,
    description: string,
    parse: (value: string, previous: T | undefined) => T,
    defaultValue?: D,
  ): OptionSpec<D extends T ? T : T | undefined> {
    return { flags, description, parse: parse as never, defaultValue: defaultValue as never };
  },
};

/** `-X, --method <m>` → `--method`. */
export function longFlag(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}

/** Completion values declared with `values` (options) or on an ArgSpec, keyed by commander's objects. */
export const completionValues = new WeakMap<object, readonly string[]>();
