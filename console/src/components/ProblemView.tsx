import { ApiError, type Problem } from '../api/client';

/** An error as the API explained it: title, detail, code and every field error. */
export function ProblemView({ error }: { error: unknown }) {
  if (!error) return null;
  const problem: Problem =
    error instanceof ApiError
      ? error.problem
      : { status: 0, code: 'ERROR', title: 'Something went wrong', detail: String(error) };
  return (
    <div className="problem" role="alert">
      <strong className="problem-title">{problem.title}</strong>
      {problem.detail && <p className="problem-detail">{problem.detail}</p>}
      {problem.retryAfterSeconds !== undefined && (
        <p className="problem-retry">The API expects a retry to work in {problem.retryAfterSeconds} s.</p>
      )}
      {problem.errors && problem.errors.length > 0 && (
        <ul className="problem-errors">
          {problem.errors.map((fieldError) => (
            <li key={`${fieldError.field}:${fieldError.message}`}>
              <code>{fieldError.field}</code>: {fieldError.message}
            </li>
          ))}
        </ul>
      )}
      <small className="problem-code">
        {problem.status > 0 ? `${problem.status} ` : ''}
        {problem.code}
      </small>
    </div>
  );
}
