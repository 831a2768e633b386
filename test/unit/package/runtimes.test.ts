import { describe, expect, it } from "vitest";
import { defaultNodeRuntime, findRuntime, judgeRuntime, LAMBDA_RUNTIMES, runtimePhase, successorOf } from "../../../src/lib/package/runtimes.js";

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe("the runtime table", () => {
  it("keeps its dates in order for every runtime (released < deprecated ≤ create block ≤ update block)", () => {
    for (const r of LAMBDA_RUNTIMES) {
      expect(Date.parse(r.released), r.id).toBeLessThan(Date.parse(r.deprecated));
      expect(Date.parse(r.deprecated), r.id).toBeLessThanOrEqual(Date.parse(r.blockCreate));
      expect(Date.parse(r.blockCreate), r.id).toBeLessThan(Date.parse(r.blockUpdate));
    }
    expect(new Set(LAMBDA_RUNTIMES.map((r) => r.id)).size).toBe(LAMBDA_RUNTIMES.length);
  });

  it.each([
    ["2025-06-01", "nodejs22.x"], // before Node.js 24 reached Lambda
    ["2025-11-25", "nodejs24.x"],
    ["2026-12-06", "nodejs24.x"], // today: Node.js 20 is past end of life
    ["2028-05-01", "nodejs24.x"], // every known Node.js runtime deprecated: still the newest, never an older one
  ])("defaults new functions on %s to %s", (day, runtime) => {
    expect(defaultNodeRuntime(at(day))).toBe(runtime);
  });

  it.each([
    ["2026-04-29", "supported"],
    ["2026-04-30", "deprecated"],
    ["2026-08-31", "create-blocked"],
    ["2026-09-30", "update-blocked"],
  ])("nodejs20.x on %s is %s", (day, phase) => {
    expect(runtimePhase(findRuntime("nodejs20.x")!, new Date(`${day}T00:00:00Z`))).toBe(phase);
  });

  it("names what to move to: the newest of the family, and provided.al2023 for go1.x", () => {
    const today = at("2026-12-06");
    expect(successorOf("nodejs18.x", today)).toBe("nodejs24.x");
    expect(successorOf("go1.x", today)).toBe("provided.al2023");
    expect(successorOf("provided.al2", today)).toBe("provided.al2023");
    expect(successorOf("ruby3.2", today)).toBe("ruby3.4");
    expect(successorOf("java8", today)).toBeUndefined();
  });

  it("judges create and update separately", () => {
    expect(judgeRuntime("nodejs20.x", "create", at("2026-06-01"))).toMatchObject({ blocked: false, warning: expect.stringContaining("deprecated since 2026-04-30") });
    expect(judgeRuntime("nodejs20.x", "create", at("2026-09-01"))).toMatchObject({ blocked: true, message: expect.stringContaining("creating functions on nodejs20.x since 2026-08-31"), instead: "pass --runtime nodejs24.x" });
    expect(judgeRuntime("nodejs20.x", "update", at("2026-09-01"))).toMatchObject({ blocked: false, warning: expect.stringContaining("updates are blocked from 2026-09-30") });
    expect(judgeRuntime("nodejs20.x", "update", at("2026-12-06"))).toMatchObject({ blocked: true, message: expect.stringContaining("updating functions on nodejs20.x since 2026-09-30") });
    expect(judgeRuntime("nodejs24.x", "create", at("2026-12-06"))).toEqual({ blocked: false, message: "nodejs24.x is supported until 2028-04-30" });
    expect(judgeRuntime("nodejs24.x", "create", at("2025-01-01"))).toMatchObject({ blocked: true, message: expect.stringContaining("not available on Lambda before 2025-11-25") });
    expect(judgeRuntime("java8", "create", at("2026-12-06"))).toBeUndefined();
  });
});
