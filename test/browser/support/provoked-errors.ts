/**
 * The console errors of a page, less the lines the browser logs for answers a test provoked
 * on purpose ("Failed to load resource: the server responded with a status of 409 (Conflict)"):
 * whatever is left is a fault of the console.
 */
export function unexpectedErrors(errors: string[], ...provoked: number[]): string[] {
  return errors.filter(
    (error) =>
      !provoked.some((status) =>
        error.startsWith(`Failed to load resource: the server responded with a status of ${status} (`),
      ),
  );
}
