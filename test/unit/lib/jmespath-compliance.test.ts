import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { compileQuery } from "../../../src/lib/query.js";
import { awsblog } from "../../helpers/in-process.js";

/**
 * The official JMESPath compliance suite (jmespath.test, 892 cases) through the function
 * `--query` uses. The suite is test data kept beside the clone in ../shared/testdata/jmespath
 * (source and licence in its README), not copied into this repository: when the folder is
 * missing the test fails rather than skips, so CI cannot pass without running it.
 */
const SUITE = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/testdata/jmespath");

interface Case {
  expression: string;
  result?: unknown;
  error?: string;
}

function loadSuite(): { file: string; given: unknown; case: Case }[] {
  return readdirSync(SUITE)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .flatMap((file) =>
      (JSON.parse(readFileSync(join(SUITE, file), "utf8")) as { given: unknown; cases: Case[] }[]).flatMap((suite) =>
        suite.cases.map((item) => ({ file, given: suite.given, case: item })),
      ),
    );
}

async function outcome(expression: string, given: unknown): Promise<{ value?: unknown; error?: string }> {
  try {
    const run = await compileQuery(expression);
    return { value: run(given) ?? null };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("--query against the JMESPath compliance suite", () => {
  it("the suite is present beside the clone (../shared/testdata/jmespath)", () => {
    expect(existsSync(SUITE), `${SUITE} is missing: check out shared/ beside the repository`).toBe(true);
  });

  it("passes all 892 cases", async () => {
    const cases = loadSuite();
    expect(cases).toHaveLength(892);
    const failed: string[] = [];
    for (const { file, given, case: item } of cases) {
      const got = await outcome(item.expression, given);
      const ok = "error" in item ? got.error !== undefined : got.error === undefined && isDeepStrictEqual(got.value, item.result ?? null);
      if (!ok) failed.push(`${file}: ${item.expression} → expected ${JSON.stringify("error" in item ? { error: item.error } : item.result ?? null)}, got ${JSON.stringify(got)}`);
    }
    expect(failed).toEqual([]);
  });
});

describe("--query as the AWS CLI reads it", () => {
  const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

  it("an unquoted word in backticks is a string (the AWS CLI's legacy literal)", async () => {
    const run = await compileQuery("messages[?class==`timeout`].messageId");
    expect(run({ messages: [{ class: "timeout", messageId: "m1" }, { class: "crash", messageId: "m2" }] })).toEqual(["m1"]);
    expect((await compileQuery("`  spaced`"))({})).toBe("spaced");
    // Valid JSON stays JSON: a number is a number, a quoted string a string.
    expect((await compileQuery("`1`"))({})).toBe(1);
    expect((await compileQuery('`"1"`'))({})).toBe("1");
  });

  it("raw strings: \\\\ stays two backslashes, \\' is a quote; quotes inside \"…\" and `…` start nothing", async () => {
    expect((await compileQuery("'a\\\\b'"))({})).toBe("a\\\\b");
    expect((await compileQuery("'it\\'s'"))({})).toBe("it's");
    expect((await compileQuery('"a\'b"'))({ "a'b": 1 })).toBe(1);
    expect((await compileQuery("`\"it's\"`"))({})).toBe("it's");
  });

  it("the README's own --query example runs (saved DLQ data instead of a live queue)", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const example = /awsblog dlq inspect --queue-url "\$DLQ_URL" --query '([^']+)'/.exec(readme);
    expect(example, "README example with --query").not.toBeNull();
    const run = await awsblog(["dlq", "inspect", "--file", join(ROOT, "test/fixtures/dlq/sns-lambda-event.json"), "--query", example![1]!]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(["95df01b4-ee98-5cb9-9903-4c221d41eb5e"]);
  });
});
