import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { readEvents } from "../../../src/lib/package/events.js";
import { tempDir } from "./helpers.js";

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

describe("readEvents (--event for --run-local)", () => {
  it("defaults to one {} and keeps repeated inline events in order", async () => {
    expect(await readEvents(undefined)).toEqual([{}]);
    expect(await readEvents(['{"a":1}', "[2]", '"three"'])).toEqual([{ a: 1 }, [2], "three"]);
  });

  it("reads a file holding one pretty-printed document as one event, and JSON Lines as one per line", async () => {
    writeFileSync(join(dir, "one.json"), '{\n  "a": 1,\n  "b": [1, 2]\n}\n');
    writeFileSync(join(dir, "many.jsonl"), '{"n":1}\n\n{"n":2}\r\n{"n":3}');
    expect(await readEvents([`@${join(dir, "one.json")}`])).toEqual([{ a: 1, b: [1, 2] }]);
    expect(await readEvents([`@${join(dir, "many.jsonl")}`, '{"n":4}'])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(await readEvents(["-"], Readable.from(['{"s":1}\n{"s":2}\n']))).toEqual([{ s: 1 }, { s: 2 }]);
  });

  it("names the flag, file and line of bad JSON (usage error)", async () => {
    writeFileSync(join(dir, "bad.jsonl"), '{"n":1}\n{"n":\n');
    await expect(readEvents([`@${join(dir, "bad.jsonl")}`])).rejects.toMatchObject({ exitCode: 2, message: `--event @${join(dir, "bad.jsonl")} line 2 is not valid JSON` });
    await expect(readEvents(["{nope"])).rejects.toMatchObject({ exitCode: 2, message: "--event is not valid JSON" });
    writeFileSync(join(dir, "empty.jsonl"), "\n\n");
    await expect(readEvents([`@${join(dir, "empty.jsonl")}`])).rejects.toMatchObject({ exitCode: 2, message: `--event @${join(dir, "empty.jsonl")} holds no event` });
  });
});
