/**
 * The AWS settings every test runs with: dummy credentials, a region, no config files, no
 * instance metadata — nothing from the developer's shell. testEnv() (helpers/cli.ts) gives them
 * to each CLI run; vitest.config.ts to clients a test builds itself from process.env.
 */
export const CLEAN_AWS_ENV = {
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
} as const;
