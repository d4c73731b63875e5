/**
 * A PostgreSQL WAL position (pg_lsn, printed as "16/B374D848") as a number that compares:
 * the replica has replayed a write when its replay position is at or past the write's.
 */
export function walPosition(lsn: string | null | undefined): bigint | null {
  if (!lsn) return null;
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsn);
  if (!match) return null;
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}
