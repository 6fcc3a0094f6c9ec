// The core's one error type: expected failures with a stable code the server maps to 4xx.
import type { ErrorCode, RoutingErrorInfo } from './types.js';

export class RoutingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RoutingError';
  }

  toJSON(): RoutingErrorInfo {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}
