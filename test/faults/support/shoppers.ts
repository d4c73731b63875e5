import { AppProcess } from './app-process';
import { Answer, call, loops } from './shop';

export interface ShopperOutcome {
  customer: string;
  /** The reservation the customer ended with, if any. */
  reservationId: string | null;
  /** The status of the checkout answer that ended the customer's attempts. */
  finalStatus: number;
  cancelled: boolean;
}

export interface ShopperRun {
  answers: Answer[];
  outcomes: ShopperOutcome[];
}

/**
 * Customers as a storefront drives them through an outage: add a line, check out, and on
 * anything but a definite answer (a 503, a reset, no answer) retry the same checkout,
 * without an Idempotency-Key, a bounded number of times. Every other customer cancels the
 * reservation afterwards, so releases (and carts given back) happen during the fault too.
 */
export async function runShoppers(
  app: AppProcess,
  variants: number[],
  options: { concurrency: number; stop: () => boolean; prefix: string },
): Promise<ShopperRun> {
  const answers: Answer[] = [];
  const outcomes: ShopperOutcome[] = [];
  await loops(options.concurrency, 1000, options.stop, async (loop, iteration) => {
    const customer = `${options.prefix}-${loop}-${iteration}`;
    const token = app.token(customer);
    const variantId = variants[(loop + iteration) % variants.length];
    const added = await retrying(answers, () =>
      call(app, 'POST', '/api/cart/items', { token, body: { variantId, quantity: 1 }, timeoutMs: 5000 }),
    );
    if (added.status !== 201) return;
    const checkout = await retrying(answers, () => call(app, 'POST', '/api/cart/checkout', { token, timeoutMs: 5000 }));
    const reservationId = checkout.status === 201 || checkout.status === 200 ? String(checkout.body?.id) : null;
    let cancelled = false;
    if (reservationId && iteration % 2 === 1) {
      const cancel = await retrying(answers, () =>
        call(app, 'POST', `/api/reservations/${reservationId}/cancel`, { token, timeoutMs: 5000 }),
      );
      cancelled = cancel.status === 200 || cancel.body?.code === 'RESERVATION_NOT_ACTIVE';
    }
    outcomes.push({ customer, reservationId, finalStatus: checkout.status, cancelled });
  });
  return { answers, outcomes };
}

/** Retries while the answer says "not now" (503, or no answer at all), at most 40 times. */
async function retrying(answers: Answer[], attempt: () => Promise<Answer>): Promise<Answer> {
  let answer = await attempt();
  answers.push(answer);
  for (let retry = 0; retry < 40 && (answer.status === 503 || answer.status === 0); retry++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    answer = await attempt();
    answers.push(answer);
  }
  return answer;
}
