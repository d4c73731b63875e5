/** A line of the bench's progress, as every part of it prints one. */
export function step(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}
