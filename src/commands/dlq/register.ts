import type { Command } from "commander";
import { notBuilt } from "../not-built.js";

export function register(program: Command): void {
  notBuilt(
    program.command("dlq").description("Lambda dead-letter queues: inspect without losing messages, classify, fetch logs, redrive safely"),
    "issue #6",
  );
}
