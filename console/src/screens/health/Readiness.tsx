import { api, ApiError, unwrap } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { Loading } from '../../components/Status';
import { useLoad } from '../../hooks';

interface Check {
  status: string;
  [detail: string]: unknown;
}

interface Report {
  httpStatus: number;
  status?: string;
  details: Record<string, Check>;
}

function isReport(body: unknown): body is Omit<Report, 'httpStatus'> {
  return typeof body === 'object' && body !== null && typeof (body as { details?: unknown }).details === 'object';
}

/** The readiness check answers 503 with the same report when a dependency is down: that is a report, not an error. */
async function loadReadiness(): Promise<Report> {
  const call = api.GET('/health/ready');
  const result = await call.catch(() => undefined);
  const body: unknown = result?.data ?? result?.error;
  if (result && (result.response.ok || result.response.status === 503) && isReport(body)) {
    return { ...body, httpStatus: result.response.status };
  }
  await unwrap(call);
  throw new ApiError({
    status: result?.response.status ?? 0,
    code: 'UNEXPECTED_ANSWER',
    title: 'The readiness check answered without a report',
  });
}

export function Readiness() {
  const readiness = useLoad(loadReadiness, []);
  const report = readiness.data;
  return (
    <section className="card" aria-labelledby="readiness-title">
      <div className="row">
        <h2 id="readiness-title">Readiness</h2>
        {report && (
          <span className={`state state-${report.httpStatus === 200 ? 'up' : 'down'}`} id="readiness-status">
            {report.httpStatus === 200 ? 'ready' : 'not ready'}
          </span>
        )}
        <button type="button" className="secondary" onClick={readiness.reload} disabled={readiness.loading}>
          Check again
        </button>
      </div>
      {readiness.loading && !report && <Loading what="Checking the dependencies" />}
      <ProblemView error={readiness.error} />
      {report && (
        <ul className="checks-list" aria-label="Dependencies">
          {Object.entries(report.details).map(([name, check]) => {
            const { status, ...more } = check;
            const extra = Object.entries(more).map(([key, value]) => `${key}: ${String(value)}`);
            return (
              <li key={name}>
                <strong>{name}</strong> <span className={`state state-${status}`}>{status}</span>
                {extra.length > 0 && <span className="hint"> {extra.join('; ')}</span>}
              </li>
            );
          })}
        </ul>
      )}
      {report && <p className="hint">GET /health/ready answered {report.httpStatus}.</p>}
    </section>
  );
}
