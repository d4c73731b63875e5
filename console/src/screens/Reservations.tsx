import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { ProblemView } from '../components/ProblemView';
import { Loading } from '../components/Status';
import { useLoad } from '../hooks';
import { navigate } from '../router';
import { ReservationCard } from './reservations/ReservationCard';

export function ReservationsScreen({ reservationId }: { reservationId?: string }) {
  return (
    <>
      <h1>Reservations</h1>
      <LookupForm key={reservationId ?? ''} current={reservationId} />
      {reservationId ? (
        <ReservationLoader key={reservationId} id={reservationId} />
      ) : (
        <p className="hint">Look a reservation up by its id, as a checkout answered it or a hold lists it.</p>
      )}
    </>
  );
}

function LookupForm({ current }: { current?: string }) {
  const [id, setId] = useState(current ?? '');

  function submit(event: FormEvent) {
    event.preventDefault();
    const wanted = id.trim();
    if (wanted) navigate('reservations', wanted);
  }

  return (
    <form className="row" onSubmit={submit} aria-label="Look up a reservation">
      <div className="grow">
        <label htmlFor="reservation-id">Reservation id</label>
        <input
          id="reservation-id"
          name="reservationId"
          className="mono wide"
          value={id}
          onChange={(event) => setId(event.target.value)}
          placeholder="9a47c1e2-…"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <button type="submit">Look up</button>
    </form>
  );
}

function ReservationLoader({ id }: { id: string }) {
  const loaded = useLoad(() => unwrap(api.GET('/api/reservations/{id}', { params: { path: { id } } })), [id]);
  // The answer of the last action, shown until the next read.
  const [updated, setUpdated] = useState<Schemas['ReservationDto']>();
  const reservation = updated ?? loaded.data;

  if (loaded.error && !updated) return <ProblemView error={loaded.error} />;
  if (!reservation) return <Loading what="Loading the reservation" />;
  return (
    <ReservationCard
      reservation={reservation}
      onChange={setUpdated}
      onReload={() => {
        setUpdated(undefined);
        loaded.reload();
      }}
    />
  );
}
