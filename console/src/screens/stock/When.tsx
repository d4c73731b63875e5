/** A moment in the reader's local time; the exact instant stays in `dateTime` and the tooltip. */
export function When({ at }: { at: string }) {
  return (
    <time dateTime={at} title={at}>
      {new Date(at).toLocaleString()}
    </time>
  );
}
