import { describe, expect, it } from "vitest";
import { createOutput, type OutputOptions } from "../../../src/lib/output.js";

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join("") };
}

function make(overrides: Partial<OutputOptions> = {}, tty = false) {
  const stdout = sink(tty);
  const stderr = sink(tty);
  const out = createOutput({ format: "text", quiet: false, color: true, debug: false, stdout, stderr, env: {}, ...overrides });
  return { out, stdout, stderr };
}

describe("output", () => {
  it("json: exactly one JSON document on stdout, logs on stderr", () => {
    const { out, stdout, stderr } = make({ format: "json" });
    out.info("working…");
    out.result({ action: "approve", ok: true }, "approved");
    expect(JSON.parse(stdout.text())).toEqual({ action: "approve", ok: true });
    expect(stderr.text()).toBe("working…\n");
  });

  it("document(): a JSON document written piece by piece, byte for byte what JSON.stringify(…, null, 2) prints; result() then prints nothing", () => {
    const { out, stdout } = make({ format: "json", streaming: true });
    const doc = out.document()!;
    const whole = { violations: [{ id: "i-1", missing: ["A", "B"] }, { id: "i-2", missing: [] }], empty: [], targets: [{ a: 1 }], scanned: 3 };
    doc.list("violations");
    const afterOpen = stdout.text();
    doc.item(whole.violations[0]);
    // Each item is on stdout as soon as it is written: nothing waits for the end.
    expect(stdout.text().length).toBeGreaterThan(afterOpen.length);
    doc.item(whole.violations[1]);
    doc.list("empty");
    doc.field("targets", whole.targets);
    doc.field("scanned", 3);
    doc.close();
    out.result({ other: true });
    expect(stdout.text()).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    expect(() => doc.item(1)).toThrow();
  });

  it("document(): undefined where the result must be whole (text, yaml, --query, a host that is not streaming)", () => {
    expect(make({ format: "json" }).out.document()).toBeUndefined();
    expect(make({ format: "text", streaming: true }).out.document()).toBeUndefined();
    expect(make({ format: "yaml", streaming: true }).out.document()).toBeUndefined();
    expect(make({ format: "json", streaming: true, query: "scanned" }).out.document()).toBeUndefined();
    const { out, stdout } = make({ format: "json", streaming: true });
    out.document()!.close();
    expect(JSON.parse(stdout.text())).toEqual({});
  });

  it("text: the text rendering, newline-terminated", () => {
    const { out, stdout } = make();
    out.result({ a: 1 }, "done");
    expect(stdout.text()).toBe("done\n");
  });

  it("line: JSON Lines in json mode and when there is no text form", () => {
    const { out, stdout } = make({ format: "json" });
    out.line({ n: 1 });
    out.line({ n: 2 }, "two");
    expect(stdout.text()).toBe('{"n":1}\n{"n":2}\n');
  });

  it("quiet drops info but keeps warnings and results", () => {
    const { out, stdout, stderr } = make({ quiet: true });
    out.info("noise");
    out.warn("careful");
    out.result({}, "result");
    expect(stderr.text()).toBe("warning: careful\n");
    expect(stdout.text()).toBe("result\n");
  });

  it("debug lines only with --debug, and lazily built", () => {
    let built = 0;
    const quiet = make();
    quiet.out.debug(() => `x${++built}`);
    expect(built).toBe(0);
    const loud = make({ debug: true });
    loud.out.debug(() => `x${++built}`);
    expect(loud.stderr.text()).toBe("[debug] x1\n");
  });

  it("colour and spinners only on a TTY, never with NO_COLOR, --no-color, --quiet or json", () => {
    expect(make({}, true).out.interactive).toBe(true);
    expect(make({}, true).out.style.red("x")).not.toBe("x");
    expect(make({}, false).out.interactive).toBe(false);
    expect(make({}, false).out.style.red("x")).toBe("x");
    expect(make({ env: { NO_COLOR: "1" } }, true).out.interactive).toBe(false);
    expect(make({ color: false }, true).out.style.red("x")).toBe("x");
    expect(make({ quiet: true }, true).out.interactive).toBe(false);
    expect(make({ format: "json" }, true).out.interactive).toBe(false);
  });

  it("shows no spinner on a terminal that reports 0 columns (ora would loop clearing lines forever)", async () => {
    const withWidth = (columns: number) => {
      // What ora needs of a terminal besides write().
      const stderr = Object.assign(sink(true), { columns, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
      const out = createOutput({ format: "text", quiet: false, color: true, debug: false, stdout: sink(true), stderr, env: {} });
      return { out, stderr };
    };
    const sized = withWidth(80);
    const unsized = withWidth(0);
    const spinners = [sized.out.spinner("working"), unsized.out.spinner("working")];
    await import("ora"); // the spinner module is loaded: a spinner that was going to start has started
    await new Promise((resolve) => setImmediate(resolve));
    spinners.forEach((spinner) => spinner.stop());
    expect(sized.stderr.text()).toContain("working");
    expect(unsized.stderr.text()).toBe("");
  });

  it("board: on a terminal, running lines redrawn in place and finished ones printed above; elsewhere only the messages", () => {
    const tty = make({}, true);
    const board = tty.out.board();
    board.set("111/us-east-1", "listing…");
    board.set("222/us-east-1", "listing…\x1b]0;pwned\x07"); // a terminal title escape never gets through
    board.done("111/us-east-1", "111/us-east-1: scanned 3");
    board.close();
    expect(tty.stderr.text()).toBe(
      "\x1b[2K111/us-east-1  listing…\n\x1b[J" +
        "\x1b[1A\x1b[2K111/us-east-1  listing…\n\x1b[2K222/us-east-1  listing…\n\x1b[J" +
        "\x1b[2A\x1b[J111/us-east-1: scanned 3\n\x1b[2K222/us-east-1  listing…\n\x1b[J" +
        "\x1b[1A\x1b[J",
    );

    for (const [plain, expected] of [
      [make(), "2 target(s)\n111/us-east-1: scanned 3\n"],
      [make({ format: "json" }, true), "2 target(s)\n111/us-east-1: scanned 3\n"],
      [make({ quiet: true }, true), ""],
    ] as const) {
      const b = plain.out.board();
      b.set("111/us-east-1", "listing…");
      b.info("2 target(s)");
      b.done("111/us-east-1", "111/us-east-1: scanned 3");
      b.close();
      expect(plain.stderr.text()).toBe(expected);
    }
  });
});
