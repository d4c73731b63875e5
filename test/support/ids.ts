/** A lower-case UUID, as the API writes the ids of carts, lines and reservations. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A well-formed UUID that names nothing. */
export const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';

/** The largest id the routes accept (PostgreSQL's integer); no test creates this many rows. */
export const UNKNOWN_INT_ID = 2_147_483_647;
