/**
 * What a countdown shows: "4:59" for the minutes and seconds left, or undefined once the
 * moment has come (the API, not the console, says what happened then).
 */
export function timeLeft(seconds: number): string | undefined {
  if (seconds <= 0) return undefined;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
