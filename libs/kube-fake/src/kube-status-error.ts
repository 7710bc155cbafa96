// The API server's error model: every failure is answered as a `kind: Status` body whose
// `reason` and `code` clients branch on (client-go's `apierrors.IsConflict`, client-node's
// `ApiException.code`). Handlers throw a KubeStatusError; the HTTP layer renders it.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'InternalError';

export interface StatusCause {
  readonly reason?: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly StatusCause[];
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class KubeStatusError extends Error {
  override readonly name = 'KubeStatusError';

  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusBody {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

/** How the real server names a resource in messages: `secrets "x"`, `deployments.apps "x"`. */
export function qualifiedResource(resource: string, group: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

export function notFound(resource: string, group: string, name: string, kind?: string): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, {
    name,
    group,
    kind: kind ?? resource,
  });
}

export function alreadyExists(resource: string, group: string, name: string): KubeStatusError {
  return new KubeStatusError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, {
    name,
    group,
    kind: resource,
  });
}

/** 409 for an optimistic-concurrency failure (stale `metadata.resourceVersion`). */
export function staleConflict(resource: string, group: string, name: string): KubeStatusError {
  return new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

/** 422 with one cause per broken field, worded like the real server's field errors. */
export function invalid(kind: string, group: string, name: string, causes: readonly StatusCause[]): KubeStatusError {
  const list = causes.map((cause) => (cause.field ? `${cause.field}: ${cause.message}` : cause.message));
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new KubeStatusError(422, 'Invalid', `${kind}${group === '' ? '' : `.${group}`} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, 'BadRequest', message);
}

/** 410 for a resourceVersion older than the retained history (watch, list continue). */
export function expired(message: string): KubeStatusError {
  return new KubeStatusError(410, 'Expired', message);
}
