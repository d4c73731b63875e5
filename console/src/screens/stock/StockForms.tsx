import { useState, type FormEvent, type ReactNode } from 'react';
import { api, fieldError, newIdempotencyKey, unwrap, type Schemas } from '../../api/client';
import { ProblemView } from '../../components/ProblemView';
import { FieldMessage } from '../../components/Status';
import { currentFiguresOf, entityTagOf, signed, type CurrentFigures, type StockLevel } from './figures';

/** What the screen does with the outcome of a write: reload after a success, show the figures of a refusal. */
export interface WriteOutcome {
  onWritten: () => void;
  onStale: (current: CurrentFigures) => void;
}

type AdjustmentReason = Schemas['AdjustmentReason'];

/** Every reason the API takes from an admin; typed by the schema so a new one fails to compile until listed. */
const ADJUSTMENT_REASONS: Record<AdjustmentReason, string> = {
  RESTOCK: 'Restock',
  RETURN: 'Return',
  DAMAGE: 'Damage',
  ADJUSTMENT: 'Adjustment',
};

/**
 * An input's text as the body's number. Empty or unreadable text goes as null, so the API
 * names the field rather than the console guessing a figure.
 */
function numberOf(text: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  return (Number.isFinite(value) ? value : null) as number;
}

/** One write at a time, each attempt with its own Idempotency-Key, against the version shown. */
function useStockWrite(outcome: WriteOutcome) {
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [pending, setPending] = useState(false);

  async function run<T>(send: (idempotencyKey: string) => Promise<T>, describe: (result: T) => string) {
    setPending(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const result = await send(newIdempotencyKey());
      setNotice(describe(result));
      outcome.onWritten();
    } catch (failure) {
      setError(failure);
      const current = currentFiguresOf(failure);
      if (current) outcome.onStale(current);
    } finally {
      setPending(false);
    }
  }

  const stale = currentFiguresOf(error);
  return { error, notice, pending, stale, run };
}

export function SetOnHandForm({
  variantId,
  version,
  outcome,
}: {
  variantId: number;
  version: number;
  outcome: WriteOutcome;
}) {
  const [onHand, setOnHand] = useState('');
  const write = useStockWrite(outcome);

  function submit(event: FormEvent) {
    event.preventDefault();
    void write.run(
      (key) =>
        unwrap(
          api.PUT('/api/inventory/{variantId}', {
            params: { path: { variantId }, header: { 'If-Match': entityTagOf(version), 'Idempotency-Key': key } },
            body: { onHand: numberOf(onHand) },
          }),
        ),
      (level: StockLevel) =>
        level.version === version
          ? `On hand was already ${level.onHand}: nothing was written.`
          : `On hand set to ${level.onHand} (version ${level.version}).`,
    );
  }

  const error = fieldError(write.error, 'onHand');
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="set-title">
      <h2 id="set-title">Set on hand</h2>
      <p className="hint" id="set-hint">
        The counted units; the difference is recorded as a COUNT movement.
      </p>
      <label htmlFor="set-on-hand">Counted on hand</label>
      <input
        id="set-on-hand"
        name="onHand"
        type="number"
        inputMode="numeric"
        value={onHand}
        onChange={(event) => setOnHand(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'set-hint set-on-hand-error' : 'set-hint'}
      />
      <FieldMessage id="set-on-hand-error" message={error} />
      <WriteFooter write={write} version={version} action="Set on hand" />
    </form>
  );
}

export function AdjustForm({
  variantId,
  version,
  outcome,
}: {
  variantId: number;
  version: number;
  outcome: WriteOutcome;
}) {
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState<AdjustmentReason>('RESTOCK');
  const [note, setNote] = useState('');
  const write = useStockWrite(outcome);

  function submit(event: FormEvent) {
    event.preventDefault();
    void write.run(
      (key) =>
        unwrap(
          api.POST('/api/inventory/{variantId}/adjustments', {
            params: { path: { variantId }, header: { 'If-Match': entityTagOf(version), 'Idempotency-Key': key } },
            body: { delta: numberOf(delta), reason, ...(note === '' ? {} : { note }) },
          }),
        ),
      (movement) =>
        `${movement.reason} ${signed(movement.delta)} recorded: ${movement.onHandAfter} on hand, ` +
        `${movement.reservedAfter} reserved.`,
    );
  }

  const errors = {
    delta: fieldError(write.error, 'delta'),
    reason: fieldError(write.error, 'reason'),
    note: fieldError(write.error, 'note'),
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="adjust-title">
      <h2 id="adjust-title">Adjust</h2>
      <p className="hint">Add units (a positive delta) or remove them (a negative one), with a reason.</p>
      <div className="row">
        <div>
          <label htmlFor="adjust-delta">Delta</label>
          <input
            id="adjust-delta"
            name="delta"
            type="number"
            inputMode="numeric"
            value={delta}
            onChange={(event) => setDelta(event.target.value)}
            aria-invalid={errors.delta ? true : undefined}
            aria-describedby={errors.delta ? 'adjust-delta-error' : undefined}
          />
          <FieldMessage id="adjust-delta-error" message={errors.delta} />
        </div>
        <div>
          <label htmlFor="adjust-reason">Reason</label>
          <select
            id="adjust-reason"
            name="reason"
            value={reason}
            onChange={(event) => setReason(event.target.value as AdjustmentReason)}
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={errors.reason ? 'adjust-reason-error' : undefined}
          >
            {Object.entries(ADJUSTMENT_REASONS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <FieldMessage id="adjust-reason-error" message={errors.reason} />
        </div>
      </div>
      <label htmlFor="adjust-note">Note (optional)</label>
      <input
        id="adjust-note"
        name="note"
        type="text"
        value={note}
        onChange={(event) => setNote(event.target.value)}
        aria-invalid={errors.note ? true : undefined}
        aria-describedby={errors.note ? 'adjust-note-error' : undefined}
      />
      <FieldMessage id="adjust-note-error" message={errors.note} />
      <WriteFooter write={write} version={version} action="Adjust" />
    </form>
  );
}

/**
 * The submit button, the outcome and, after a refusal that carried the current figures,
 * what they are and a button that sends the same change against the new version.
 */
function WriteFooter({
  write,
  version,
  action,
}: {
  write: ReturnType<typeof useStockWrite>;
  version: number;
  action: string;
}) {
  let label: ReactNode = action;
  if (write.pending) label = 'Saving…';
  else if (write.stale) label = `Retry with version ${version}`;
  return (
    <>
      <ProblemView error={write.error} />
      {write.stale && (
        <p className="stale-figures" role="status">
          The stock now: <strong>{write.stale.onHand}</strong> on hand, <strong>{write.stale.reserved}</strong>{' '}
          reserved, <strong>{write.stale.available}</strong> available, version <strong>{write.stale.version}</strong>.
          Nothing was written. Check the change against these figures, then retry.
        </p>
      )}
      {write.notice && (
        <p className="notice" role="status">
          {write.notice}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={write.pending}>
          {label}
        </button>
        <span className="hint">Sent with If-Match: version {version}</span>
      </div>
    </>
  );
}
