import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createSecretInput } from "../../../src/lib/cognito/secret-input.js";
import { promptLine } from "../../../src/lib/cognito/tty-prompt.js";
import { InterruptedError, UsageError } from "../../../src/lib/errors.js";

function pipedStdin(text: string) {
  const stream = new PassThrough();
  stream.end(text);
  return Object.assign(stream, { isTTY: false });
}

/** A fake terminal: records raw-mode switches; the test types into it. */
function fakeTty() {
  const stream = new PassThrough();
  const modes: boolean[] = [];
  return Object.assign(stream, { isTTY: true, setRawMode: (mode: boolean) => modes.push(mode), modes });
}

describe("password sources", () => {
  it("reads the first stdin line with --password-stdin, and the second as the new password", async () => {
    const input = createSecretInput({ passwordStdin: true, newPasswordStdin: true, env: {}, stdin: pipedStdin("old pw\r\nnew pw\n") });
    expect(await input.password()).toBe("old pw");
    expect(await input.newPassword()).toBe("new pw");
  });

  it("falls back to AWSBLOG_PASSWORD / AWSBLOG_NEW_PASSWORD", async () => {
    const input = createSecretInput({ env: { AWSBLOG_PASSWORD: "p1", AWSBLOG_NEW_PASSWORD: "p2" }, stdin: pipedStdin("") });
    expect(await input.password()).toBe("p1");
    expect(await input.newPassword()).toBe("p2");
  });

  it("on a non-terminal with no source: exit 2 with a hint naming the safe ways", async () => {
    const input = createSecretInput({ env: {}, stdin: pipedStdin("") });
    const error = await input.password().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).hint).toMatch(/--password-stdin.*AWSBLOG_PASSWORD/);
    await expect(input.code("SMS code", undefined, "--mfa-code")).rejects.toThrow(/SMS code/);
  });

  it("refuses an empty --password-stdin", async () => {
    await expect(createSecretInput({ passwordStdin: true, env: {}, stdin: pipedStdin("\n") }).password()).rejects.toBeInstanceOf(UsageError);
  });

  it("an empty answer at the prompt, a prompt on a pipe and Ctrl-C at the prompt each say what to do", async () => {
    const empty = await createSecretInput({ env: {}, stdin: fakeTty(), prompt: async () => "" }).password().catch((e: unknown) => e);
    expect((empty as UsageError).hint).toMatch(/type it again|--password-stdin/);
    const piped = await promptLine("x", { input: pipedStdin(""), output: { write: () => true }, hidden: true }).catch((e: unknown) => e);
    expect((piped as UsageError).hint).toBeTruthy();
    const tty = fakeTty();
    const interrupted = promptLine("Password: ", { input: tty, output: { write: () => true }, hidden: true }).catch((e: unknown) => e);
    tty.write("\u0003");
    expect(((await interrupted) as InterruptedError).hint).toBeTruthy();
  });

  it("prompts without echo on a terminal; a new password is asked twice and must match", async () => {
    const asked: [string, boolean][] = [];
    const answers = ["typed", "new1", "new1", "a", "b"];
    const input = createSecretInput({
      env: {},
      stdin: fakeTty(),
      prompt: async (question, hidden) => {
        asked.push([question, hidden]);
        return answers.shift()!;
      },
    });
    expect(await input.password()).toBe("typed");
    expect(await input.newPassword()).toBe("new1");
    await expect(input.newPassword()).rejects.toThrow(/differ/);
    expect(asked.slice(0, 3)).toEqual([
      ["Password: ", true],
      ["New password: ", true],
      ["Repeat new password: ", true],
    ]);
  });

  it("uses --mfa-code when given, else a visible prompt", async () => {
    const asked: boolean[] = [];
    const input = createSecretInput({ env: {}, stdin: fakeTty(), prompt: async (_q, hidden) => (asked.push(hidden), " 123456 ") });
    expect(await input.code("SMS code", "654321", "--mfa-code")).toBe("654321");
    expect(await input.code("SMS code", undefined, "--mfa-code")).toBe("123456");
    expect(asked).toEqual([false]);
  });
});

describe("promptLine", () => {
  it("hidden: echoes nothing, handles backspace, restores the terminal", async () => {
    const tty = fakeTty();
    let written = "";
    const answer = promptLine("Password: ", { input: tty, output: { write: (s: string) => (written += s) }, hidden: true });
    tty.write("secreX\u007ft\r");
    expect(await answer).toBe("secret");
    expect(written).toBe("Password: \n");
    expect(tty.modes).toEqual([true, false]);
  });

  it("visible: echoes what is typed", async () => {
    const tty = fakeTty();
    let written = "";
    const answer = promptLine("Code: ", { input: tty, output: { write: (s: string) => (written += s) }, hidden: false });
    tty.write("12\n");
    expect(await answer).toBe("12");
    expect(written).toBe("Code: 12\n");
  });

  it("Ctrl-C at the prompt is an interruption (exit 130)", async () => {
    const tty = fakeTty();
    const answer = promptLine("Password: ", { input: tty, output: { write: () => true }, hidden: true });
    tty.write("ab\u0003");
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(tty.modes).toEqual([true, false]);
  });

  it("refuses to prompt when stdin is not a terminal", async () => {
    await expect(promptLine("x", { input: pipedStdin(""), output: { write: () => true }, hidden: true })).rejects.toBeInstanceOf(UsageError);
  });
});
