/** The shape every `huntforge <command>` module exports, and the errors the CLI turns into exit codes. */

export interface Command {
  name: string;
  /** Full `--help` text: usage, options, and at least one real example. */
  help: string;
  /** Returns the process exit code. Throw UsageError for bad arguments (exit 2). */
  run(args: string[]): Promise<number>;
}

/** Bad arguments or no usable input: one line on stderr, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (file unreadable, service refused): one line on stderr, exit 2. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
