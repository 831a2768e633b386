import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import type { AwsClientFactory } from "./factory.js";
import { toAwsblogError } from "./errors.js";

export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sending one email through SES (the approval worker's mail). */
export interface Mailer {
  /** Resolves with SES's message id. */
  send(message: EmailMessage): Promise<string>;
}

export async function createMailer(aws: AwsClientFactory): Promise<Mailer> {
  const client = await aws.client(SESClient);
  return {
    async send({ from, to, subject, text, html }) {
      const command = new SendEmailCommand({
        Source: from,
        Destination: { ToAddresses: [to] },
        Message: {
          Subject: { Data: subject, Charset: "UTF-8" },
          Body: { Text: { Data: text, Charset: "UTF-8" }, Html: { Data: html, Charset: "UTF-8" } },
        },
      });
      try {
        const out = await client.send(command);
        return out.MessageId ?? "";
      } catch (error) {
        throw toAwsblogError(error, "SES", "SendEmail");
      }
    },
  };
}
