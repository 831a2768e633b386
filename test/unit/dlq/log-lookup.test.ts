import { describe, expect, it } from "vitest";
import type { FilterPageInput, LogsApi } from "../../../src/lib/aws/logs.js";
import { fetchLogs, planLogQueries } from "../../../src/lib/dlq/log-lookup.js";

const id = (n: number) => `0f0e3a1b-aaaa-4bbb-8ccc-${String(n).padStart(12, "0")}`;
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 25, 0, 0) + minutes * 60_000).toISOString();
const options = { beforeMs: 60 * 60_000, afterMs: 5 * 60_000, now: Date.UTC(2026, 10, 25, 12) };

describe("planLogQueries", () => {
  it("puts close messages in one query with an OR pattern and a window around their sentAt", () => {
    const queries = planLogQueries([{ requestId: id(2), sentAt: at(10) }, { requestId: id(1), sentAt: at(0) }], options);
    expect(queries).toEqual([
      {
        requestIds: [id(1), id(2)],
        startTime: Date.parse(at(0)) - 60 * 60_000,
        endTime: Date.parse(at(10)) + 5 * 60_000,
        filterPattern: `?"${id(1)}" ?"${id(2)}"`,
      },
    ]);
  });

  it("uses a plain quoted term for a single id and deduplicates repeated ids", () => {
    const queries = planLogQueries([{ requestId: id(1), sentAt: at(0) }, { requestId: id(1), sentAt: at(1) }], options);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.filterPattern).toBe(`"${id(1)}"`);
    expect(queries[0]?.endTime).toBe(Date.parse(at(1)) + 5 * 60_000);
  });

  it("splits by id count and by time span, keeping patterns under 1,024 characters", () => {
    const many = Array.from({ length: 45 }, (_, n) => ({ requestId: id(n), sentAt: at(0) }));
    const queries = planLogQueries(many, options);
    expect(queries.map((q) => q.requestIds.length)).toEqual([20, 20, 5]);
    for (const q of queries) expect(q.filterPattern.length).toBeLessThan(1024);
    const apart = planLogQueries([{ requestId: id(1), sentAt: at(0) }, { requestId: id(2), sentAt: at(180) }], options);
    expect(apart).toHaveLength(2);
  });

  it("anchors messages without sentAt at now and skips ids that could break the pattern", () => {
    const queries = planLogQueries([{ requestId: id(1), sentAt: null }, { requestId: 'x" OR "', sentAt: at(0) }], options);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.endTime).toBe(options.now + 5 * 60_000);
  });
});

describe("fetchLogs", () => {
  it("follows nextToken and routes each line to its request by id", async () => {
    const calls: FilterPageInput[] = [];
    const pages = [
      { events: [{ timestamp: 3, message: `END RequestId: ${id(1)}\n`, logStreamName: "s" }], nextToken: "t1" },
      { events: [], nextToken: "t2" },
      {
        events: [
          { timestamp: 1, message: `START RequestId: ${id(1)} Version: $LATEST`, logStreamName: "s" },
          { timestamp: 2, message: `REPORT RequestId: ${id(2)} Duration: 1 ms`, logStreamName: "s" },
          { timestamp: 2, message: "an unrelated line", logStreamName: "s" },
        ],
      },
    ];
    const logs: LogsApi = {
      async filterLogEventsPage(input) {
        calls.push(input);
        return pages[calls.length - 1] as (typeof pages)[number];
      },
    };
    const queries = planLogQueries([{ requestId: id(1), sentAt: at(0) }, { requestId: id(2), sentAt: at(1) }], options);
    const result = await fetchLogs(logs, queries, { logGroupName: "/aws/lambda/fn" });
    expect(calls.map((c) => c.nextToken)).toEqual([undefined, "t1", "t2"]);
    expect(calls[0]).toMatchObject({ logGroupName: "/aws/lambda/fn", filterPattern: `?"${id(1)}" ?"${id(2)}"` });
    expect(result.truncated).toBe(false);
    expect(result.lines.get(id(1))).toEqual([`START RequestId: ${id(1)} Version: $LATEST`, `END RequestId: ${id(1)}`]);
    expect(result.lines.get(id(2))).toEqual([`REPORT RequestId: ${id(2)} Duration: 1 ms`]);
  });

  it("stops at the page limit and says the result was cut short", async () => {
    let count = 0;
    const logs: LogsApi = {
      async filterLogEventsPage() {
        count += 1;
        return { events: [], nextToken: `t${count}` };
      },
    };
    const result = await fetchLogs(logs, planLogQueries([{ requestId: id(1), sentAt: at(0) }], options), { logGroupName: "g", maxPages: 3 });
    expect(count).toBe(3);
    expect(result.truncated).toBe(true);
  });
});
