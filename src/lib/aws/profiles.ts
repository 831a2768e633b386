import { stat } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { kindOf, readTextFile } from "../input.js";
import { configFilePaths } from "./environment.js";

/** The shared files the SDK reads, and the variables that move them. */
export type SharedFileVariable = "AWS_CONFIG_FILE" | "AWS_SHARED_CREDENTIALS_FILE";

export function sharedFilePath(variable: SharedFileVariable, env: NodeJS.ProcessEnv): string {
  const paths = configFilePaths(env);
  return variable === "AWS_CONFIG_FILE" ? paths.configFile : paths.credentialsFile;
}

/** Config files are a few KB; the SDK would read a larger one whole. */
const MAX_SHARED_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Before the SDK reads the shared config and credentials files: each must be missing,
 * /dev/null (a common way to say "none") or a regular file. The SDK reads them whole with no
 * timeout, so a FIFO there hangs every AWS command forever and a device never ends.
 * Returns whether the file has content to read.
 */
export async function checkSharedFile(variable: SharedFileVariable, env: NodeJS.ProcessEnv, path = sharedFilePath(variable, env)): Promise<boolean> {
  if (path === "/dev/null") return false;
  const info = await stat(path).catch(() => undefined); // missing or unreadable: the SDK skips it as well
  if (!info) return false;
  if (info.isFile()) return true;
  const named = env[variable] ? `${variable} (${path})` : path;
  throw new UsageError(`${named} is ${kindOf(info)}, not a regular file`, `point ${variable} at a regular file${env[variable] ? ", or unset it" : ""}`);
}

/** The text of a checked shared file ("" when missing). */
export async function readSharedFile(variable: SharedFileVariable, env: NodeJS.ProcessEnv, path = sharedFilePath(variable, env)): Promise<string> {
  if (!(await checkSharedFile(variable, env, path))) return "";
  return readTextFile(path, variable, MAX_SHARED_FILE_BYTES);
}

/**
 * Runs before the first AWS client is built (and so before the SDK reads either file). Both
 * shared files are checked (see checkSharedFile); then `--profile nosuch` (or
 * AWS_PROFILE=nosuch) must say the profile does not exist, as the AWS CLI does, rather than
 * fail later with "no region" or "no credentials". Reads only the section names.
 */
export async function checkProfileExists(profile: string | undefined, files: { configFile: string; credentialsFile: string }, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const { configFile, credentialsFile } = files;
  await checkSharedFile("AWS_CONFIG_FILE", env, configFile);
  await checkSharedFile("AWS_SHARED_CREDENTIALS_FILE", env, credentialsFile);
  if (!profile) return;
  const known = new Set([...(await sections("AWS_CONFIG_FILE", env, configFile, true)), ...(await sections("AWS_SHARED_CREDENTIALS_FILE", env, credentialsFile, false))]);
  if (known.has(profile)) return;
  const names = [...known].sort();
  const choices = names.length === 0 ? "no profiles are defined there" : `known: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""}`;
  throw new UsageError(
    `profile ${profile} not found in ${configFile} or ${credentialsFile}`,
    `check the name (${choices}), or create it with \`aws configure --profile ${profile}\``,
  );
}

/** Profile names defined in one file: `[profile x]`/`[default]` in config, `[x]` in credentials. */
async function sections(variable: SharedFileVariable, env: NodeJS.ProcessEnv, path: string, isConfigFile: boolean): Promise<string[]> {
  let text: string;
  try {
    text = await readSharedFile(variable, env, path);
  } catch (error) {
    if (error instanceof UsageError && /not UTF-8|cannot read/.test(error.message)) return [];
    throw error;
  }
  const names: string[] = [];
  for (const match of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/gm)) {
    const header = match[1]!;
    if (!isConfigFile) names.push(header);
    else if (/^profile\s+/.test(header)) names.push(header.replace(/^profile\s+/, ""));
    // `[name]` without "profile " is not valid in the config file, but lenient readers take it:
    // better to let the SDK decide than to refuse a profile it would use.
    else if (!/^(sso-session|services)\s/.test(header)) names.push(header);
  }
  return names;
}
