/**
 * What a log line keeps of an error: its type, message, stack, the family's
 * fields (code, operation, sqlState, timeout) and its cause chain — and
 * nothing else. pino's default serializer copies every enumerable property,
 * and driver errors carry objects such as the client and its connection
 * parameters, password included.
 */
export interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  operation?: string;
  sqlState?: string;
  timeout?: string;
  cause?: LoggedError | string;
}

const KEPT_FIELDS = ['code', 'operation', 'sqlState', 'timeout'] as const;

export function loggedError(error: unknown, depth = 0): LoggedError | string {
  if (!(error instanceof Error)) return String(error);
  const logged: LoggedError = { type: error.name, message: error.message };
  if (error.stack !== undefined) logged.stack = error.stack;
  for (const field of KEPT_FIELDS) {
    const value: unknown = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') logged[field] = value;
  }
  if (error.cause !== undefined && depth < 5) logged.cause = loggedError(error.cause, depth + 1);
  return logged;
}
