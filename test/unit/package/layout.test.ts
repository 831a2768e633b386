import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/lib/errors.js";
import { planPackage, type PackageRequest } from "../../../src/lib/package/layout.js";
import { tempDir, writeExecutable } from "./helpers.js";

/** Layout decisions: where inputs land in the zip, which modes they get, what is refused. */
let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  mkdirSync(join(dir, "rt/bin"), { recursive: true });
  mkdirSync(join(dir, "rt/lib/empty"), { recursive: true });
  copyFileSync("/bin/true", join(dir, "rt/bin/php")); // any ELF will do for layout
  writeFileSync(join(dir, "rt/lib/php.ini"), "memory_limit=128M\n");
  writeExecutable(join(dir, "rt/bin/phpize"), "#!/bin/sh\necho hi\n");
  writeFileSync(join(dir, "rt/bin/tool.sh"), "#!/bin/sh\necho no exec bit on disk\n");
  symlinkSync("php.ini", join(dir, "rt/lib/php-inside.ini"));
  writeFileSync(join(dir, "hello.php"), "<?php echo 1;\n");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/a.php"), "<?php\n");
  writeFileSync(join(dir, "secret.txt"), "do not ship\n");
});
afterAll(() => cleanup());

const request = (extra: Partial<PackageRequest> = {}): PackageRequest => ({
  language: "php",
  entry: "hello.php",
  runtimeDir: "rt",
  includes: [],
  out: join(dir, "out.zip"),
  cwd: dir,
  ...extra,
});

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe("planPackage", () => {
  it("lays out wrapper, entry, runtime tree and includes, sorted, with exec modes", async () => {
    const plan = await planPackage(request({ includes: ["src"] }));
    expect(plan.handler).toBe("php.handler");
    expect(plan.wrapper).toEqual({ language: "php", input: "stdin", program: "rt/bin/php", args: ["hello.php"], runtimeDir: "rt" });
    expect(plan.entries.map((e) => [e.archivePath, e.mode.toString(8)])).toEqual([
      ["hello.php", "100644"],
      ["php.js", "100644"],
      ["rt/bin/php", "100755"], // ELF
      ["rt/bin/phpize", "100755"], // shebang and executable
      ["rt/bin/tool.sh", "100755"], // shebang, no exec bit on disk
      ["rt/lib/php-inside.ini", "100644"], // link inside the inputs: stored as a file
      ["rt/lib/php.ini", "100644"],
      ["src/a.php", "100644"],
    ]);
    expect(plan.emptyDirs).toEqual(["rt/lib/empty"]);
  });

  it("honours --name and --input", async () => {
    const plan = await planPackage(request({ name: "api", input: "argv" }));
    expect(plan.handler).toBe("api.handler");
    expect(plan.wrapper.input).toBe("argv");
    expect(plan.entries.some((e) => e.archivePath === "api.js")).toBe(true);
  });

  it.each([
    ["an absolute --include", { includes: ["/etc/hostname"] }, /absolute paths are refused/],
    ["an --include with ..", { includes: ["src/../../x"] }, /'\.\.' are refused/],
    ["a missing entry", { entry: "nope.php" }, /not found/],
    ["php without --runtime-dir", { runtimeDir: undefined }, /needs --runtime-dir/],
    ["a bad --name", { name: "../evil" }, /--name/],
    ["an --out inside the inputs", { out: "rt/out.zip" }, /would zip itself/],
    ["an --out in a folder that does not exist", { out: "missing/out.zip" }, /folder missing does not exist/],
    ["an --out that is a directory", { out: "src" }, /--out src is a directory, not a regular file/],
    ["a Go entry that is not ELF", { language: "go", entry: "hello.php", runtimeDir: undefined }, /not a Linux \(ELF\) binary/],
  ] as const)("refuses %s (exit 2)", async (_label, extra, message) => {
    const error = await usageError(planPackage(request(extra as Partial<PackageRequest>)));
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(2);
  });

  it("refuses a runtime dir without bin/php", async () => {
    const error = await usageError(planPackage(request({ runtimeDir: "src" })));
    expect(error.message).toContain("has no bin/php");
  });
});

describe("planPackage: links", () => {
  it("refuses a link that leaves the inputs", async () => {
    const { dir: d, cleanup: done } = tempDir();
    mkdirSync(join(d, "rt/bin"), { recursive: true });
    copyFileSync("/bin/true", join(d, "rt/bin/php"));
    writeFileSync(join(d, "hello.php"), "<?php\n");
    symlinkSync(join(dir, "secret.txt"), join(d, "rt/leak.txt"));
    const error = await usageError(planPackage({ ...request(), cwd: d, out: join(d, "o.zip") }));
    expect(error.message).toMatch(/rt\/leak.txt: link points outside the inputs/);
    done();
  });

  it("refuses an --include that is a link out of the working directory", async () => {
    const { dir: d, cleanup: done } = tempDir();
    mkdirSync(join(d, "rt/bin"), { recursive: true });
    copyFileSync("/bin/true", join(d, "rt/bin/php"));
    writeFileSync(join(d, "hello.php"), "<?php\n");
    symlinkSync(join(dir, "src"), join(d, "vendor"));
    const error = await usageError(planPackage({ ...request({ includes: ["vendor"] }), cwd: d, out: join(d, "o.zip") }));
    expect(error.message).toMatch(/links outside the working directory/);
    done();
  });

  it("refuses broken links and link loops", async () => {
    const { dir: d, cleanup: done } = tempDir();
    mkdirSync(join(d, "rt/bin"), { recursive: true });
    copyFileSync("/bin/true", join(d, "rt/bin/php"));
    writeFileSync(join(d, "hello.php"), "<?php\n");
    symlinkSync("nowhere", join(d, "rt/dangling"));
    expect((await usageError(planPackage({ ...request(), cwd: d, out: join(d, "o.zip") }))).message).toMatch(/broken link/);
    const { dir: e, cleanup: done2 } = tempDir();
    mkdirSync(join(e, "rt/bin"), { recursive: true });
    copyFileSync("/bin/true", join(e, "rt/bin/php"));
    writeFileSync(join(e, "hello.php"), "<?php\n");
    symlinkSync("..", join(e, "rt/bin/up"));
    expect((await usageError(planPackage({ ...request(), cwd: e, out: join(e, "o.zip") }))).message).toMatch(/link loop/);
    done();
    done2();
  });

  it("refuses two inputs that land on the same path", async () => {
    const error = await usageError(planPackage(request({ includes: ["hello.php"] })));
    expect(error.message).toMatch(/both become hello.php/);
  });
});
