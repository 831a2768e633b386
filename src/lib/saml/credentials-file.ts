import { randomBytes } from "node:crypto";
import { chmod, open, realpath, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FailureError, UsageError } from "../errors.js";
import { createFolders } from "../output-file.js";
import { readSharedFile, sharedFilePath } from "../aws/profiles.js";
import type { TemporaryCredentials } from "../aws/sts-saml.js";

/**
 * The shared credentials file, edited the way a person would: only the named profiles'
 * credential keys change; other profiles, other keys and comments stay byte for byte. The new
 * file is written beside the old one (mode 0600) and renamed over it, so a crash or a
 * concurrent reader never sees half a file.
 */
export function credentialsFilePath(env: NodeJS.ProcessEnv): string {
  return sharedFilePath("AWS_SHARED_CREDENTIALS_FILE", env);
}

/** What saml2aws writes, so tools that read `x_security_token_expires` keep working. */
const MANAGED_KEYS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "x_security_token_expires", "x_principal_arn"];

export interface ProfileUpdate {
  profile: string;
  credentials: TemporaryCredentials;
  principalArn?: string;
}

const PROFILE_NAME = /^[\w.@+-]{1,128}$/;

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`profile name "${name.slice(0, 80).replace(/[^\x20-\x7e]/g, "?")}" is not usable in the credentials file`, "use letters, digits and . _ - @ + (e.g. --write-profile saml)");
  }
  return name;
}

/** Returns the file's new text with these profiles set. Pure, for tests. */
export function updateCredentialsText(text: string, updates: ProfileUpdate[]): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text === "" ? [] : text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  for (const update of updates) {
    const body = [
      `aws_access_key_id = ${update.credentials.accessKeyId}`,
      `aws_secret_access_key = ${update.credentials.secretAccessKey}`,
      `aws_session_token = ${update.credentials.sessionToken}`,
      `x_security_token_expires = ${update.credentials.expiration.toISOString()}`,
      ...(update.principalArn ? [`x_principal_arn = ${update.principalArn}`] : []),
    ];
    const start = lines.findIndex((line) => sectionName(line) === update.profile);
    if (start === -1) {
      if (lines.length && lines[lines.length - 1]!.trim() !== "") lines.push("");
      lines.push(`[${update.profile}]`, ...body);
      continue;
    }
    let end = start + 1;
    while (end < lines.length && sectionName(lines[end]!) === undefined) end++;
    const kept = lines.slice(start + 1, end).filter((line) => !MANAGED_KEYS.includes(keyOf(line) ?? ""));
    // Our keys go first; the section's own extras (region, comments) follow unchanged.
    lines.splice(start + 1, end - start - 1, ...body, ...kept);
  }
  return lines.join(eol) + eol;
}

/** The keys of one profile, or undefined when the file or the profile is missing. */
export function readProfile(text: string, profile: string): Record<string, string> | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => sectionName(line) === profile);
  if (start === -1) return undefined;
  const values: Record<string, string> = {};
  for (let i = start + 1; i < lines.length && sectionName(lines[i]!) === undefined; i++) {
    const match = /^\s*([^=#;\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (match) values[match[1]!.toLowerCase()] = match[2]!;
  }
  return values;
}

function sectionName(line: string): string | undefined {
  return /^\s*\[\s*([^\]]+?)\s*\]\s*([#;].*)?$/.exec(line)?.[1];
}

function keyOf(line: string): string | undefined {
  return /^\s*([^=#;\s][^=]*?)\s*=/.exec(line)?.[1]?.toLowerCase();
}

/**
 * The file's text, "" when it does not exist yet. A FIFO or device there (or in
 * AWS_SHARED_CREDENTIALS_FILE) is refused before reading: a FIFO would block forever.
 */
export async function readCredentialsFile(path: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return readSharedFile("AWS_SHARED_CREDENTIALS_FILE", env, path);
}

export async function writeProfiles(path: string, updates: ProfileUpdate[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  // Follow a symlinked credentials file (dotfile managers) and replace its target, not the link.
  const target = await realpath(path).catch(() => path);
  const before = await readCredentialsFile(target, env);
  const after = updateCredentialsText(before, updates);
  const dir = dirname(target);
  const temp = join(dir, `.${randomBytes(6).toString("hex")}.awsblog-tmp`);
  try {
    await createFolders(dir, 0o700);
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(after, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, 0o600);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw new FailureError(`cannot write the credentials file ${target} (${(error as NodeJS.ErrnoException).code ?? "error"})`, "check the folder exists and is writable, or set AWS_SHARED_CREDENTIALS_FILE", {
      cause: error,
    });
  }
}
