/** Previous and next over a page the API answered ({ total, limit, offset }). */
export function Paging({
  page,
  onOffset,
  label,
}: {
  page: { total: number; limit: number; offset: number; items: unknown[] };
  onOffset: (offset: number) => void;
  label: string;
}) {
  const { total, limit, offset, items } = page;
  if (total === 0) return null;
  const first = items.length > 0 ? offset + 1 : offset;
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
      <span>
        {first}–{offset + items.length} of {total}
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
