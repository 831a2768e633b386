import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithMoto } from "../../helpers/moto.js";
import { settled, startPausedExecution } from "../../helpers/sfn-callback.js";
import { startServe, type ServeRun } from "./serve-process.js";

/**
 * The manager's side in a real browser: open the mailed approve link, press Approve, and the
 * execution succeeds. Debian's Chromium, driven by playwright-core (no downloaded browser).
 */
// AWSBLOG_CHROMIUM only exists to exercise the skip path; CI uses Debian's /usr/bin/chromium.
const CHROMIUM = process.env.AWSBLOG_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

if (existsSync(CHROMIUM) || process.env.AWSBLOG_REQUIRE_MOTO === "1") {
  describeWithMoto("approval in a real browser", (moto) => {
    let serve: ServeRun;
    let browser: BrowserContext;
    let profile: string;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`AWSBLOG_REQUIRE_MOTO=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
      serve = await startServe(moto().url);
      profile = mkdtempSync(join(tmpdir(), "awsblog-chromium-"));
      browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await serve?.stop();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it("opening the approve link decides nothing; pressing Approve succeeds the execution", async () => {
      const execution = await startPausedExecution(moto(), { employeeName: "Jim", managerEmailAddress: "ana@example.com" });
      const page = await browser.newPage();
      await page.goto(`${serve.url}/succeed?taskToken=${encodeURIComponent(execution.taskToken)}`);
      expect(await page.locator("h1").textContent()).toBe("Approve this request?");
      expect((await execution.status()).status).toBe("RUNNING");

      await page.getByRole("button", { name: "Approve" }).click();
      await page.waitForSelector("text=Step Functions accepted your approval", { timeout: 15_000 }).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\npage: ${await page.content()}\nserve: ${serve.stderr()}`);
      });
      expect(await page.locator("h1").textContent()).toBe("Approved");
      const final = await settled(execution);
      expect(final.status).toBe("SUCCEEDED");
      expect(JSON.parse(final.output ?? "null")).toEqual({ approved: true });
    }, 60_000);
  });
} else {
  console.warn(`[awsblog tests] ${CHROMIUM} not found: the browser test is SKIPPED. apt-get install chromium, or set AWSBLOG_REQUIRE_MOTO=1 to make this a failure.`);
  describe.skip(`approval in a real browser (skipped: ${CHROMIUM} not installed)`, () => {
    it("opens the approve link and presses Approve", () => {});
  });
}
