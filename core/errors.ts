/**
 * The one error type of the product. Every failure that reaches a caller — IPC, HTTP, sync
 * result — is an AppError with a namespaced code; the UI translates the code, never the message.
 */
export const ERROR_CODES = [
  'validation.invalid-input',
  'api.unknown-channel',
  'api.unauthorized',
  'api.forbidden-sender',
  'masterdata.not-found',
  'masterdata.duplicate-code',
  'masterdata.duplicate-gtin',
  'masterdata.version-conflict',
  'masterdata.invalid-reference',
  'inventory.insufficient-stock',
  'inventory.stock-frozen',
  'inventory.negative-stock',
  'inventory.nothing-matched',
  'inventory.lot-required',
  'inventory.expiry-required',
  'inventory.over-release',
  'inventory.over-receipt',
  'inventory.transfer-not-found',
  'inventory.transfer-closed',
  'inventory.same-warehouse',
  'inventory.same-owner',
  'inventory.proposal-not-found',
  'inventory.proposal-closed',
  'inventory.unknown-reference',
  'order.not-found',
  'order.version-conflict',
  'order.invalid-transition',
  'order.unknown-reference',
  'order.duplicate-external-ref',
  'order.force-not-allowed',
  'order.role-required',
  'order.split-invalid',
  'order.over-ship',
  'order.over-receipt',
  'order.over-return',
  'order.not-returnable',
  'order.no-exchange-rate',
  'order.exception-not-found',
  'order.exception-closed',
  'order.action-not-allowed',
  'order.rule-not-found',
  'order.import-invalid',
  'order.warehouse-required',
  'command.unknown',
  'command.unsupported-version',
  'auth.invalid-credentials',
  'auth.token-expired',
  'auth.invalid-token',
  'auth.forbidden',
  'auth.out-of-scope',
  'auth.offline-unknown-user',
  'auth.user-inactive',
  'sync.update-required',
  'sync.gap',
  'sync.unknown-client',
  'sync.not-configured',
  'sync.server-unreachable',
  'sync.issue-not-found',
  'sync.issue-closed',
  'sync.no-numbers',
  'channel.invalid-key',
  'channel.idempotency-conflict',
  'gs1.empty',
  'gs1.not-gs1',
  'gs1.unknown-ai',
  'gs1.bad-length',
  'gs1.bad-characters',
  'gs1.bad-check-digit',
  'gs1.bad-date',
  'gs1.bad-value',
  'gs1.ambiguous',
  'gs1.unexpected-separator',
  'gs1.duplicate-ai',
  'gs1.missing-required',
  'gs1.exclusive',
  'gs1.bad-symbology',
  'label.invalid-template',
  'label.unknown-field',
  'label.barcode-invalid',
  'print.bad-target',
  'dock.packing-mismatch',
  'label.unknown-template',
  'print.unknown-printer',
  'print.job-not-found',
  'dock.asn-not-found',
  'dock.unknown-sscc',
  'dock.unknown-gtin',
  'dock.appointment-not-found',
  'print.job-not-retryable',
  'dock.version-conflict',
  'dock.invalid-transition',
  'dock.over-asn',
  'dock.po-not-open',
  'dock.no-sscc-range',
  'dock.no-company-prefix',
  'dock.duplicate-sscc',
  'dock.already-received',
  'dock.no-matching-line',
  'dock.over-receipt',
  'dock.asn-closed',
  'dock.supervisor-required',
  'dock.wrong-supplier',
  'print.unreachable',
  'print.spooler-failed',
  'print.timeout',
  'label.font-unavailable',
  'system.unexpected',
  'system.database-unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one input field; `code` is a translation key under `validation.`. */
export interface FieldIssue {
  path: string;
  code: string;
  params?: Record<string, string | number>;
}

export interface AppErrorData {
  code: ErrorCode;
  message: string;
  details?: { fields?: FieldIssue[] } & Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: AppErrorData['details'];

  constructor(code: ErrorCode, message: string, details?: AppErrorData['details']) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toJSON(): AppErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static from(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new AppError('system.unexpected', message);
  }
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorData };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (err: unknown): Result<never> => ({ ok: false, error: AppError.from(err).toJSON() });

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** One table, used by every HTTP surface, from error code to status. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation.invalid-input':
    case 'masterdata.invalid-reference':
    case 'command.unknown':
    case 'inventory.lot-required':
    case 'inventory.expiry-required':
    case 'inventory.same-warehouse':
    case 'inventory.same-owner':
    case 'inventory.unknown-reference':
    case 'order.unknown-reference':
    case 'order.split-invalid':
    case 'order.import-invalid':
      return 400;
    case 'api.unauthorized':
    case 'auth.invalid-credentials':
    case 'auth.token-expired':
    case 'auth.invalid-token':
    case 'auth.offline-unknown-user':
    case 'channel.invalid-key':
      return 401;
    case 'auth.forbidden':
    case 'auth.out-of-scope':
    case 'auth.user-inactive':
      return 403;
    case 'sync.issue-not-found':
    case 'sync.unknown-client':
      return 404;
    case 'sync.gap':
    case 'sync.issue-closed':
    case 'sync.no-numbers':
    case 'channel.idempotency-conflict':
      return 409;
    case 'sync.update-required':
      return 426;
    case 'sync.not-configured':
    case 'sync.server-unreachable':
      return 503;
    case 'api.forbidden-sender':
    case 'order.role-required':
      return 403;
    case 'masterdata.not-found':
    case 'api.unknown-channel':
    case 'inventory.nothing-matched':
    case 'inventory.transfer-not-found':
    case 'inventory.proposal-not-found':
    case 'order.not-found':
    case 'order.exception-not-found':
    case 'order.rule-not-found':
      return 404;
    case 'masterdata.duplicate-code':
    case 'masterdata.duplicate-gtin':
    case 'masterdata.version-conflict':
    case 'inventory.insufficient-stock':
    case 'inventory.stock-frozen':
    case 'inventory.negative-stock':
    case 'inventory.over-release':
    case 'inventory.over-receipt':
    case 'inventory.transfer-closed':
    case 'inventory.proposal-closed':
    case 'order.version-conflict':
    case 'order.invalid-transition':
    case 'order.duplicate-external-ref':
    case 'order.force-not-allowed':
    case 'order.over-ship':
    case 'order.over-receipt':
    case 'order.over-return':
    case 'order.not-returnable':
    case 'order.no-exchange-rate':
    case 'order.exception-closed':
    case 'order.action-not-allowed':
    case 'order.warehouse-required':
      return 409;
    case 'command.unsupported-version':
      return 426;
    case 'system.database-unavailable':
      return 503;
    case 'gs1.empty':
    case 'gs1.not-gs1':
    case 'gs1.unknown-ai':
    case 'gs1.bad-length':
    case 'gs1.bad-characters':
    case 'gs1.bad-check-digit':
    case 'gs1.bad-date':
    case 'gs1.bad-value':
    case 'gs1.ambiguous':
    case 'gs1.unexpected-separator':
    case 'gs1.duplicate-ai':
    case 'gs1.missing-required':
    case 'gs1.exclusive':
    case 'gs1.bad-symbology':
    case 'label.invalid-template':
    case 'label.unknown-field':
    case 'label.barcode-invalid':
    case 'print.bad-target':
    case 'dock.packing-mismatch':
      return 400;
    case 'label.unknown-template':
    case 'print.unknown-printer':
    case 'print.job-not-found':
    case 'dock.asn-not-found':
    case 'dock.unknown-sscc':
    case 'dock.unknown-gtin':
    case 'dock.appointment-not-found':
      return 404;
    case 'print.job-not-retryable':
    case 'dock.version-conflict':
    case 'dock.invalid-transition':
    case 'dock.over-asn':
    case 'dock.po-not-open':
    case 'dock.no-sscc-range':
    case 'dock.no-company-prefix':
    case 'dock.duplicate-sscc':
    case 'dock.already-received':
    case 'dock.no-matching-line':
    case 'dock.over-receipt':
    case 'dock.asn-closed':
      return 409;
    case 'dock.supervisor-required':
    case 'dock.wrong-supplier':
      return 403;
    case 'print.unreachable':
    case 'print.spooler-failed':
    case 'print.timeout':
    case 'label.font-unavailable':
      return 503;
    case 'system.unexpected':
      return 500;
  }
}
