import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import type { AwsClientFactory } from "./factory.js";
import { toAwsblogError } from "./errors.js";

/** Sending one email through SES (the approval worker's mail). */
export interface Mailer {
  /**
   * Sends a complete MIME message (headers and bodies) to one recipient; resolves with SES's
   * message id. Raw, so the bodies (which carry task tokens) never appear in --debug summaries.
   */
  sendRaw(from: string, to: string, mime: Uint8Array): Promise<string>;
}

export async function createMailer(aws: AwsClientFactory): Promise<Mailer> {
  const client = await aws.client(SESClient);
  return {
    async sendRaw(from, to, mime) {
      const command = new SendRawEmailCommand({ Source: from, Destinations: [to], RawMessage: { Data: mime } });
      try {
        const out = await client.send(command);
        return out.MessageId ?? "";
      } catch (error) {
        throw toAwsblogError(error, "SES", "SendRawEmail");
      }
    },
  };
}
