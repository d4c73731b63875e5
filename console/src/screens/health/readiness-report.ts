export interface Check {
  status: string;
  [detail: string]: unknown;
}

/** What GET /health/ready said of each dependency, and the status it answered with. */
export interface ReadinessReport {
  httpStatus: number;
  checks: Record<string, Check>;
}

const isChecks = (value: unknown): value is Record<string, Check> =>
  typeof value === 'object' &&
  value !== null &&
  Object.values(value).every((check) => typeof (check as Partial<Check> | null)?.status === 'string');

/**
 * The checks of a readiness answer: 200 carries them in `details`, and 503 is a problem+json
 * that names them in `checks`; a 503 that names none (a proxy's page) is no report.
 */
export function readinessReportOf(httpStatus: number, body: unknown): ReadinessReport | undefined {
  const members = (typeof body === 'object' && body !== null ? body : {}) as { details?: unknown; checks?: unknown };
  const checks = httpStatus === 200 ? members.details : httpStatus === 503 ? members.checks : undefined;
  return isChecks(checks) ? { httpStatus, checks } : undefined;
}
