import { UsageError } from "../errors.js";
import { readStdin } from "../input.js";
import type { TtyInput } from "./tty-prompt.js";

/**
 * Where passwords and codes come from. Never argv (it shows in `ps` and shell history):
 * `--password-stdin` (first line of stdin), then AWSBLOG_PASSWORD, then a no-echo prompt on a
 * terminal. With both --password-stdin and --new-password-stdin, stdin's first line is the
 * current password and its second the new one.
 */
export interface SecretInputOptions {
  passwordStdin?: boolean;
  newPasswordStdin?: boolean;
  env: NodeJS.ProcessEnv;
  stdin: TtyInput;
  /** Asks on the terminal (commands pass ctx.services.prompt writing to ctx.stderr, never stdout). */
  prompt?: (question: string, hidden: boolean) => Promise<string>;
}

export interface SecretInput {
  password(): Promise<string>;
  /** For signup: like password(), but typed twice on a terminal. */
  accountPassword(): Promise<string>;
  /** `why` names the step in the error on a non-terminal (default: the NEW_PASSWORD_REQUIRED challenge). */
  newPassword(why?: string): Promise<string>;
  /** A one-time code (MFA): `flag` if given, else a visible prompt. */
  code(label: string, flag: string | undefined, flagName: string): Promise<string>;
  /** stdin's next line (after the password's when --password-stdin read one). */
  line(what: string): Promise<string>;
}

/** Passwords are one line each (Cognito allows 256 characters); nothing longer is a password. */
const SECRETS_STDIN_BYTES = 64 * 1024;

const NO_PASSWORD_HINT = "pipe it with --password-stdin or set AWSBLOG_PASSWORD (never put it on the command line)";

export function createSecretInput(options: SecretInputOptions): SecretInput {
  let stdinLines: Promise<string[]> | undefined;
  let nextLine = 0;
  const lines = () => (stdinLines ??= readStdin(options.stdin, "--password-stdin", SECRETS_STDIN_BYTES).then((text) => text.split(/\r?\n/)));
  const takeLine = async (what: string): Promise<string> => {
    const all = await lines();
    const line = all[nextLine++] ?? "";
    if (line === "") throw new UsageError(`${what}: stdin held no line for it`, "send one line per secret, ending with a newline");
    return line;
  };
  const interactive = () => Boolean(options.stdin.isTTY);
  const ask =
    options.prompt ??
    (() => Promise.reject(new UsageError("cannot prompt here", "pipe the value with --password-stdin or set it in the environment")));

  async function askTwice(label: string): Promise<string> {
    const first = await ask(`${label}: `, true);
    const second = await ask(`Repeat ${label.toLowerCase()}: `, true);
    if (first !== second) throw new UsageError(`the two ${label.toLowerCase()} entries differ`, "run the command again");
    return nonEmpty(first, label);
  }

  return {
    async password() {
      if (options.passwordStdin) return takeLine("--password-stdin");
      if (options.env.AWSBLOG_PASSWORD) return options.env.AWSBLOG_PASSWORD;
      if (!interactive()) throw new UsageError("no password given and stdin is not a terminal", NO_PASSWORD_HINT);
      return nonEmpty(await ask("Password: ", true), "Password");
    },
    async accountPassword() {
      if (options.passwordStdin || options.env.AWSBLOG_PASSWORD || !interactive()) return this.password();
      return askTwice("Password");
    },
    async newPassword(why = "Cognito requires a new password (NEW_PASSWORD_REQUIRED)") {
      if (options.newPasswordStdin) return takeLine("--new-password-stdin");
      if (options.env.AWSBLOG_NEW_PASSWORD) return options.env.AWSBLOG_NEW_PASSWORD;
      if (!interactive()) {
        throw new UsageError(
          `${why} and stdin is not a terminal`,
          "pass --new-password-stdin (with --password-stdin: line 1 current, line 2 new) or set AWSBLOG_NEW_PASSWORD",
        );
      }
      return askTwice("New password");
    },
    line: (what) => takeLine(what),
    async code(label, flag, flagName) {
      if (flag) return flag.trim();
      if (!interactive()) throw new UsageError(`Cognito asked for ${label} and stdin is not a terminal`, `pass ${flagName} <code>`);
      return nonEmpty((await ask(`${label}: `, false)).trim(), label);
    },
  };
}

function nonEmpty(value: string, label: string): string {
  if (value === "") throw new UsageError(`${label} is empty`, "type it again (Ctrl-C to stop), or pipe it with --password-stdin");
  return value;
}
