/** A token bucket: at most `capacity` requests at once, refilled evenly over `intervalMs`. */

export interface BucketClock {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly capacity: number,
    private readonly intervalMs: number,
    clock: BucketClock = {},
  ) {
    this.now = clock.now ?? Date.now;
    this.sleep = clock.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.tokens = capacity;
    this.last = this.now();
  }

  /** Waits until a token is available and takes it. */
  async take(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const perToken = this.intervalMs / this.capacity;
      await this.sleep(Math.ceil((1 - this.tokens) * perToken));
    }
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.intervalMs);
  }
}
