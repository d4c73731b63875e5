import { api, ApiError, unwrap } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { Loading } from '../../components/Status';
import { useLoad } from '../../hooks';
import { readinessReportOf, type ReadinessReport } from './readiness-report';

/** The readiness answer: a 503 that names the dependencies down is a report too, not an error. */
async function loadReadiness(): Promise<ReadinessReport> {
  const call = api.GET('/health/ready');
  const result = await call.catch(() => undefined);
  const report = result && readinessReportOf(result.response.status, result.data ?? result.error);
  if (report) return report;
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
          {Object.entries(report.checks).map(([name, check]) => {
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
