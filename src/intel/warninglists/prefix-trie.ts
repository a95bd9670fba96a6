/**
 * Binary prefix trie over IP addresses held as 32-bit words. A lookup walks at most one node per
 * address bit and collects every range on the way, so cost grows with prefix length, not with the
 * number of ranges. Nodes live in parallel arrays (child indexes, values) to stay compact and fast.
 */
export class PrefixTrie<T> {
  private readonly zero: number[] = [-1];
  private readonly one: number[] = [-1];
  private readonly values: (T[] | undefined)[] = [undefined];

  constructor(readonly width: 32 | 128) {}

  get nodeCount(): number {
    return this.values.length;
  }

  insert(words: ArrayLike<number>, prefixLength: number, value: T): void {
    let node = 0;
    for (let i = 0; i < prefixLength; i++) {
      const branch = bitAt(words, i) === 1 ? this.one : this.zero;
      let child = branch[node];
      if (child === -1) {
        child = this.values.length;
        this.zero.push(-1);
        this.one.push(-1);
        this.values.push(undefined);
        branch[node] = child;
      }
      node = child;
    }
    const here = this.values[node];
    if (here) here.push(value);
    else this.values[node] = [value];
  }

  /** Appends to `out` every value whose range contains the address, shortest prefix first. */
  collect(words: ArrayLike<number>, out: T[]): void {
    let node = 0;
    for (let i = 0; ; i++) {
      const here = this.values[node];
      if (here !== undefined) for (const value of here) out.push(value);
      if (i === this.width) return;
      node = bitAt(words, i) === 1 ? this.one[node] : this.zero[node];
      if (node === -1) return;
    }
  }
}

function bitAt(words: ArrayLike<number>, index: number): number {
  return (words[index >>> 5] >>> (31 - (index & 31))) & 1;
}
