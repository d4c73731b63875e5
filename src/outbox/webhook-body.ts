/** The body of a webhook request, in the Standard Webhooks form: `{ type, timestamp, data }`. */
export function webhookBody(type: string, occurredAt: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: occurredAt.toISOString(), data });
}
