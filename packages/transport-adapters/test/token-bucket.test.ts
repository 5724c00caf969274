import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../src/index.js';

describe('the token bucket', () => {
  it('accepts a burst, drops beyond it, and is exhausted after a second burst of debt', () => {
    let time = 0;
    const bucket = new TokenBucket(10, 3, () => time);
    const decisions = Array.from({ length: 6 }, () => bucket.take());
    // The third dropped frame brings the debt to a whole burst (3).
    expect(decisions).toEqual(['accept', 'accept', 'accept', 'drop', 'drop', 'exhausted']);
    time += 10_000;
    expect(bucket.take()).toBe('accept');
  });

  it('recovers from a short overshoot as it refills', () => {
    let time = 0;
    const bucket = new TokenBucket(10, 2, () => time);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual(['accept', 'accept', 'drop']);
    time += 200; // two tokens back, one owed: the balance is 1
    expect(bucket.take()).toBe('accept');
    expect(bucket.take()).toBe('drop');
  });

  it('never limits a rate of Infinity', () => {
    const bucket = new TokenBucket(Infinity, 1, () => 0);
    expect(Array.from({ length: 100 }, () => bucket.take()).every((d) => d === 'accept')).toBe(
      true,
    );
  });
});
