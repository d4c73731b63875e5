/** Previous / Next over a page the API answered, with "Page X of Y". */
export function Pager({
  label,
  page,
  onOffset,
}: {
  label: string;
  page: { total: number; limit: number; offset: number };
  onOffset: (offset: number) => void;
}) {
  const { total, limit, offset } = page;
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.min(pages, Math.floor(offset / limit) + 1);
  if (total === 0) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="secondary"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - limit))}
      >
        Previous
      </button>
      <span aria-live="polite">
        Page {current} of {pages}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={offset + limit >= total}
        onClick={() => onOffset(offset + limit)}
      >
        Next
      </button>
    </nav>
  );
}
