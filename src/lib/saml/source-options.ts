/**
 * The flags that choose and drive a SAMLResponse source (sources.ts picks one; idp-forms.ts
 * and listener.ts are the backends). A file of its own so the backends need not import the
 * module that loads them.
 */
export interface SourceOptions {
  samlResponse?: string;
  idpUrl?: string;
  username?: string;
  passwordStdin?: boolean;
  listen?: string;
  open?: string;
  /** Seconds to wait for the browser at --listen. */
  listenTimeout?: number;
  /** The one-time code (`-`: stdin's next line). */
  mfaCode?: string;
  /** Seconds to wait for a push approval. */
  mfaTimeout?: number;
  /** Prompt on /dev/tty when stdin is not a terminal (credential_process captures the rest). */
  promptOnControllingTerminal?: boolean;
}
