/** A binary min-heap ordered by a numeric priority (lower first). */
export class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly priorityOf: (item: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    const p = this.priorityOf(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.priorityOf(a[parent]!) <= p) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = item;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      const p = this.priorityOf(last);
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && this.priorityOf(a[r]!) < this.priorityOf(a[l]!) ? r : l;
        if (this.priorityOf(a[c]!) >= p) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
