import { UsageError } from "./errors.js";

/**
 * `--query`: JMESPath as the AWS CLI evaluates it. The library is
 * @jmespath-community/jmespath (loaded only when --query is used), with two differences from
 * its defaults, both measured against the official compliance suite (jmespath.test, 892 cases,
 * test/unit/lib/jmespath-compliance.test.ts) and the AWS CLI's own Python jmespath:
 *
 * - legacy literals on: `` `timeout` `` (an unquoted word in backticks) is the string
 *   "timeout", as the AWS CLI and its documentation examples accept;
 * - raw strings keep `\\` as two backslashes (the suite's `'\\'` → "\\\\", as Python
 *   jmespath does); the library turns it into one, so `rawStringsAsSpecified` doubles each
 *   escaped backslash inside '…' before the library reads it. `\'` is still a quote.
 *
 * Every other npm JMESPath library measured failed more of the suite (jmespath 0.16: 887 of
 * 892, @metrichor/jmespath 0.3.1: 886; @jmespath-community 1.3.0: 891 unpatched).
 */
export async function compileQuery(expression: string): Promise<(data: unknown) => unknown> {
  const jmespath = await import("@jmespath-community/jmespath");
  let ast: ReturnType<typeof jmespath.compile>;
  try {
    ast = jmespath.compile(rawStringsAsSpecified(expression), { enable_legacy_literals: true });
  } catch (error) {
    throw new UsageError(`--query ${JSON.stringify(expression)} is not a JMESPath expression: ${(error as Error).message}`, "see https://jmespath.site for the syntax, e.g. --query 'messages[].messageId'", {
      cause: error,
    });
  }
  return (data) => {
    try {
      return jmespath.TreeInterpreter.search(ast, toPlain(data) as never);
    } catch (error) {
      throw new UsageError(`--query ${JSON.stringify(expression)} failed on this result: ${(error as Error).message}`, "check the field names with -o json first", { cause: error });
    }
  };
}

/** The JSON form of a result (Dates as ISO strings, no undefined), which --query and YAML see. */
export function toPlain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value) ?? "null");
}

/**
 * Rewrites each `\\` inside a raw string ('…') as `\\\\`, so the library's unescaping leaves
 * the two backslashes the specification's tests expect. Quoted identifiers ("…") and JSON
 * literals (`…`) are skipped whole: a quote inside them does not start a raw string.
 */
export function rawStringsAsSpecified(expression: string): string {
  let out = "";
  let i = 0;
  while (i < expression.length) {
    const char = expression[i]!;
    if (char === '"' || char === "`") {
      const end = closing(expression, i, char);
      out += expression.slice(i, end);
      i = end;
    } else if (char === "'") {
      const end = closing(expression, i, "'");
      out += expression.slice(i, end).replace(/\\(.)/gsu, (pair: string, next: string) => (next === "\\" ? "\\\\\\\\" : pair));
      i = end;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}

/** The index just past the delimiter closing the token opened at `start` (a backslash escapes one character). */
function closing(text: string, start: number, delimiter: string): number {
  let i = start + 1;
  while (i < text.length && text[i] !== delimiter) i += text[i] === "\\" ? 2 : 1;
  return Math.min(i + 1, text.length);
}
