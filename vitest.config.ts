import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most of a run is waiting on moto, protocol doubles and long polls, not CPU: on two cores,
    // four workers finish sooner than two (bench figures in the closing notes of #13).
    maxWorkers: 4,
    // Files share a worker's module cache (the AWS SDK is imported once per worker, not once per
    // file). Tests put back what they change: spies are restored before each test, env stubs and
    // aws-sdk-client-mock stubs in afterAll, and the in-process harness restores process.env.
    isolate: false,
    restoreMocks: true,
    // The SDK's Node.js-support notice is noise in test output (the CLI suppresses it too).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
