import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { BIN, testEnv } from "../../helpers/cli.js";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto } from "../../helpers/moto.js";
import { havePython, onTerminal } from "../../helpers/pty.js";
import { createQueue, drain, LAMBDA_FAILURES, requestId, sendFailures, sqsClient, visibleCount } from "./world.js";

/** n timeouts (even) and handler errors (odd), interleaved. */
const mixed = (count: number) =>
  Array.from({ length: count }, (_, n) => ({
    requestId: requestId(n),
    errorMessage: n % 2 === 0 ? LAMBDA_FAILURES.timeout : LAMBDA_FAILURES.handler,
    body: JSON.stringify({ n }),
  }));
const ns = (list: { Body?: string }[]) => list.map((m) => (JSON.parse(m.Body as string) as { n: number }).n).sort((a, b) => a - b);
const odd = (count: number) => [...Array(count).keys()].filter((n) => n % 2 === 1);

type Purged = { scanned: number; matched: number; deleted: number; failed: number; purgedAll: boolean; cancelled: boolean; byClass: Record<string, number> };

describeWithMoto("dlq purge against moto", (moto) => {
  it("--class timeout --yes deletes exactly the timeouts; the rest are visible again at once", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "purge-class");
    await sendFailures(sqs, dlq, mixed(36));
    const run = await awsblog(["dlq", "purge", "--queue-url", dlq, "--class", "timeout", "--yes", "--endpoint-url", moto().url, "-o", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.json<Purged>()).toMatchObject({ scanned: 36, matched: 18, deleted: 18, failed: 0, purgedAll: false, byClass: { timeout: 18 } });
    expect(await visibleCount(sqs, dlq)).toEqual({ visible: 18, hidden: 0 });
    expect(ns(await drain(sqs, dlq))).toEqual(odd(36));
  });

  it("--older-than compares SentTimestamp with the run's clock", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "purge-age");
    await sendFailures(sqs, dlq, mixed(6));
    const args = ["dlq", "purge", "--queue-url", dlq, "--older-than", "30m", "--yes", "--endpoint-url", moto().url, "-o", "json"];
    const fresh = await awsblog(args, { now: () => new Date(Date.now() + 10 * 60_000) });
    expect(fresh.json<Purged>()).toMatchObject({ scanned: 6, matched: 0, deleted: 0 });
    expect((await visibleCount(sqs, dlq)).visible).toBe(6);
    const old = await awsblog(args, { now: () => new Date(Date.now() + 31 * 60_000) });
    expect(old.json<Purged>()).toMatchObject({ matched: 6, deleted: 6 });
    expect(await visibleCount(sqs, dlq)).toEqual({ visible: 0, hidden: 0 });
  });

  it("without a filter it refuses unless --all --yes, then purges the whole queue", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "purge-all");
    await sendFailures(sqs, dlq, mixed(5));
    const bare = await awsblog(["dlq", "purge", "--queue-url", dlq, "--endpoint-url", moto().url]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^awsblog: no filter: dlq purge would empty the whole queue — pass --all --yes/);
    expect((await awsblog(["dlq", "purge", "--queue-url", dlq, "--all", "--endpoint-url", moto().url])).code).toBe(2);
    const both = await awsblog(["dlq", "purge", "--queue-url", dlq, "--all", "--yes", "--class", "crash", "--endpoint-url", moto().url]);
    expect(both.code).toBe(2);
    expect((await visibleCount(sqs, dlq)).visible).toBe(5);
    const noTerminal = await awsblog(["dlq", "purge", "--queue-url", dlq, "--class", "crash", "--endpoint-url", moto().url]);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toMatch(/no terminal to confirm on — pass --yes/);

    const calls = new Map<string, number>();
    const all = await awsblog(["dlq", "purge", "--queue-url", dlq, "--all", "--yes", "--endpoint-url", moto().url, "-o", "json"], { onCalls: (c) => c.forEach((n, k) => calls.set(k, n)) });
    expect(all.code, all.stderr).toBe(0);
    expect(all.json<Purged>()).toMatchObject({ purgedAll: true, deleted: 5 });
    expect(calls.get("SQS.PurgeQueue")).toBe(1);
    expect(await visibleCount(sqs, dlq)).toEqual({ visible: 0, hidden: 0 });
  });

  it.skipIf(!havePython)("on a terminal: counts, asks, and deletes only after y (n deletes nothing)", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "purge-tty");
    await sendFailures(sqs, dlq, mixed(8));
    const args = ["dlq", "purge", "--queue-url", dlq, "--class", "handler-error", "--endpoint-url", moto().url];
    const no = await onTerminal(args, { steps: [{ after: "[y/N]", keys: "n\r" }] });
    expect(no.output).toContain("4 of 8 message(s) match (handler-error 4)");
    expect(no.code).toBe(0);
    expect(no.output).toContain("nothing deleted");
    expect(await visibleCount(sqs, dlq)).toEqual({ visible: 8, hidden: 0 });

    const yes = await onTerminal(args, { steps: [{ after: "[y/N]", keys: "y\r" }] });
    expect(yes.code).toBe(0);
    expect(yes.output).toMatch(/deleted 4 of 4 matching message\(s\)/);
    const left = await drain(sqs, dlq);
    expect(ns(left)).toEqual([0, 2, 4, 6]);
  }, 60_000);

  it("kill -9 mid-purge never deletes a message that does not match", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "purge-kill");
    await sendFailures(sqs, dlq, mixed(200));
    const child = spawn(
      process.execPath,
      [BIN, "dlq", "purge", "--queue-url", dlq, "--class", "timeout", "--yes", "--visibility-timeout", "3", "--concurrency", "2", "--endpoint-url", moto().url],
      { env: testEnv(), stdio: ["ignore", "ignore", "ignore"] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, signal) => resolve(signal)));
    // Kill once some are gone: deletes, receives and held (unmatched) messages are in flight.
    for (let total = 200; total > 170; ) {
      if (child.exitCode !== null) throw new Error(`purge ended on its own (exit ${child.exitCode}) before it could be killed`);
      await new Promise((r) => setTimeout(r, 20));
      const { visible, hidden } = await visibleCount(sqs, dlq);
      total = visible + hidden;
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const deadline = Date.now() + 30_000;
    while ((await visibleCount(sqs, dlq)).hidden > 0) {
      if (Date.now() > deadline) throw new Error("messages stayed hidden long after their visibility timeout");
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = ns(await drain(sqs, dlq));
    // Every handler error is still there; some timeouts were deleted, not all.
    expect(left.filter((n) => n % 2 === 1)).toEqual(odd(200));
    expect(left.filter((n) => n % 2 === 0).length).toBeLessThan(100);
  }, 60_000);
});
