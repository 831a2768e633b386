import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { awsblog, type InProcessOptions } from "../../helpers/in-process.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/package/", import.meta.url));

export type Lang = "php" | "go" | "ruby";

/** A workspace with the three test programs and what each needs to run. */
export interface Workspace {
  dir: string;
  /** CLI flags that package each language from `dir`. */
  flags: Record<Lang, string[]>;
  cleanup(): void;
}

/**
 * PHP and Ruby "runtime dirs" hold copies of the system interpreters (a link to /usr/bin
 * would be refused by design: it leaves the inputs). Debian's interpreters find their
 * shared libraries and config in /usr and /etc, which is enough to run them from the copy.
 * Go is compiled for real, standard library only, without network or cgo.
 */
export function makeWorkspace(): Workspace {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "awsblog-pkg-it-")));
  for (const file of ["echo.php", "echo.rb", "echo.go"]) copyFileSync(join(FIXTURES, file), join(dir, file));
  for (const [name, binary] of [["php-rt", "php"], ["ruby-rt", "ruby"]] as const) {
    mkdirSync(join(dir, name, "bin"), { recursive: true });
    copyFileSync(realpathSync(`/usr/bin/${binary}`), join(dir, name, "bin", binary));
    chmodSync(join(dir, name, "bin", binary), 0o755);
  }
  execFileSync("go", ["build", "-o", "echo-go", "echo.go"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GOPATH: join(dir, "gopath"),
      // Shared across runs so the standard library compiles once per machine, not per test run.
      GOCACHE: join(tmpdir(), "awsblog-test-gocache"),
      GOFLAGS: "-mod=mod",
      GOPROXY: "off",
      CGO_ENABLED: "0",
      GOOS: "linux",
    },
    stdio: "pipe",
  });
  return {
    dir,
    flags: {
      php: ["package", "php", "--entry", "echo.php", "--runtime-dir", "php-rt"],
      ruby: ["package", "ruby", "--entry", "echo.rb", "--runtime-dir", "ruby-rt"],
      go: ["package", "go", "--entry", "echo-go"],
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The CLI in-process, run from `cwd` (package resolves --entry/--include against the working
 * directory; vitest runs this file in a forked process, so chdir is safe).
 */
export async function awsblogIn(cwd: string, args: string[], options: InProcessOptions = {}): ReturnType<typeof awsblog> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return await awsblog(args, options);
  } finally {
    process.chdir(previous);
  }
}
