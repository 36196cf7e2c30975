/** One problem with a request, located by a JSON path (`$.schedule.expression`, `query.cursor`). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** Base of every error Kairos raises on purpose; `status` is the HTTP status it maps to. */
export class KairosError extends Error {
  /** HTTP status the API answers with. */
  readonly status: number = 500;
  /** Short slug that becomes the problem+json `type` (`urn:kairos:problem:<slug>`). */
  readonly slug: string = 'internal';
  /** Whether retrying the same operation may succeed. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: carries every problem found, each with its path. */
export class ValidationError extends KairosError {
  override readonly status = 400;
  override readonly slug = 'validation';
  readonly problems: readonly FieldProblem[];

  constructor(
    problems: readonly FieldProblem[],
    message = 'The request is not valid.',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.problems = problems;
  }

  /** A validation error with a single problem. */
  static at(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }], message);
  }
}

export class UnauthorizedError extends KairosError {
  override readonly status = 401;
  override readonly slug = 'unauthorized';
}

export class ForbiddenError extends KairosError {
  override readonly status = 403;
  override readonly slug = 'forbidden';
}

export class NotFoundError extends KairosError {
  override readonly status = 404;
  override readonly slug = 'not-found';
}

export class MethodNotAllowedError extends KairosError {
  override readonly status = 405;
  override readonly slug = 'method-not-allowed';
}

/** A write lost a race or would make an illegal state change. */
export class ConflictError extends KairosError {
  override readonly status = 409;
  override readonly slug: string = 'conflict';
}

/** Optimistic-locking failure: the item's version is not the one the caller read. */
export class VersionConflictError extends ConflictError {
  override readonly slug = 'version-conflict';
  constructor(
    readonly expected: number,
    readonly actual: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      actual === undefined
        ? `Expected version ${expected} but the item has changed.`
        : `Expected version ${expected} but the current version is ${actual}.`,
      options,
    );
  }
}

/** A status change that the current status does not allow. */
export class IllegalStateError extends ConflictError {
  override readonly slug = 'illegal-state';
}

/** An item that must not exist already exists (create-if-absent lost). */
export class AlreadyExistsError extends ConflictError {
  override readonly slug = 'already-exists';
}

export class PayloadTooLargeError extends KairosError {
  override readonly status = 413;
  override readonly slug = 'payload-too-large';
}

export class UnsupportedMediaTypeError extends KairosError {
  override readonly status = 415;
  override readonly slug = 'unsupported-media-type';
}
