/**
 * Which of two concurrent changes goes first when both insert at one position. The change the
 * server sequenced first is `'left'` (DESIGN.md 3.3).
 */
export type Side = 'left' | 'right';

/** The other side. */
export function opposite(side: Side): Side {
  return side === 'left' ? 'right' : 'left';
}
