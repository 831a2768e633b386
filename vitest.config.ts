import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: integration files each run their own moto_server and CLI processes.
    maxWorkers: 2,
    // The SDK's Node.js-support notice is noise in test output (the CLI suppresses it too).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
