/** A moment in the reader's local time; the exact instant stays in `dateTime` and the tooltip. */
export function When({ at, id }: { at: string | null | undefined; id?: string }) {
  if (!at) return <span className="hint">—</span>;
  return (
    <time id={id} dateTime={at} title={at}>
      {new Date(at).toLocaleString()}
    </time>
  );
}
