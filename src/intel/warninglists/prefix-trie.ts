/**
 * Binary prefix trie over IP addresses held as 32-bit words. A lookup walks at most one node per
 * address bit and collects every range on the way, so cost grows with prefix length, not with the
 * number of ranges. Nodes live in parallel arrays (child indexes, values) to stay compact and fast.
 */
export class PrefixTrie<T> {
  private readonly zero: number[] = [-1];
  private readonly one: number[] = [-1];
  private readonly values: (T[] | undefined)[] = [undefined];
  /**
   * Where the walk of each first byte of an address leads: the node at depth 8 (-1 if the walk
   * ends sooner) and the values on the way, in order. A lookup starts there instead of walking
   * the first eight levels, the ones every lookup shares. Built on the first lookup after an
   * insert.
   */
  private jumpNode: Int32Array | null = null;
  private jumpValues: (T[] | null)[] = [];

  constructor(readonly width: 32 | 128) {}

  get nodeCount(): number {
    return this.values.length;
  }

  insert(words: ArrayLike<number>, prefixLength: number, value: T): void {
    this.jumpNode = null;
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
    const jumpNode = this.jumpNode ?? this.buildJump();
    const first = words[0] >>> 24;
    const before = this.jumpValues[first];
    if (before !== null) for (const value of before) out.push(value);
    let node = jumpNode[first];
    if (node === -1) return;
    for (let i = 8; ; i++) {
      const here = this.values[node];
      if (here !== undefined) for (const value of here) out.push(value);
      if (i === this.width) return;
      node = bitAt(words, i) === 1 ? this.one[node] : this.zero[node];
      if (node === -1) return;
    }
  }

  private buildJump(): Int32Array {
    const nodes = new Int32Array(256);
    this.jumpValues = [];
    for (let first = 0; first < 256; first++) {
      const on: T[] = [];
      let node = 0;
      for (let i = 0; i < 8 && node !== -1; i++) {
        const here = this.values[node];
        if (here !== undefined) on.push(...here);
        node = ((first >>> (7 - i)) & 1) === 1 ? this.one[node] : this.zero[node];
      }
      nodes[first] = node;
      this.jumpValues.push(on.length > 0 ? on : null);
    }
    this.jumpNode = nodes;
    return nodes;
  }
}

function bitAt(words: ArrayLike<number>, index: number): number {
  return (words[index >>> 5] >>> (31 - (index & 31))) & 1;
}
