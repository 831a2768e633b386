import { defineConfig } from "vitest/config";
import { CLEAN_AWS_ENV } from "./test/helpers/clean-env.js";

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
    // aws-sdk-client-mock stubs in afterAll. The in-process harness leaves process.env alone:
    // each run's env map reaches the SDK as client configuration (src/lib/aws/environment.ts).
    isolate: false,
    restoreMocks: true,
    env: {
      // The SDK's Node.js-support notice is noise in test output (the CLI suppresses it too).
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // Clients a test builds itself (createAwsClientFactory without `env`) read process.env:
      // the same clean settings as testEnv() in test/helpers/cli.ts, nothing from the shell.
      ...CLEAN_AWS_ENV,
    },
  },
});
