/**
 * The address a peer is counted under. `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) and
 * `1.2.3.4` are one peer, so the per-address limit counts them together.
 */
export function normaliseAddress(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
