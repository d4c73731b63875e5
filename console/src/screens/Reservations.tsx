export function ReservationsScreen({ reservationId }: { reservationId?: string }) {
  return <h1>Reservations {reservationId}</h1>;
}
