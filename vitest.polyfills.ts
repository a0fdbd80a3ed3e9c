// vitest 5's reporter calls Map.groupBy (Node 21+) when it prints failures; Node 20 lacks it.
// The config files run in vitest's main process, so defining it here fixes the reporter.
const MapWithGroupBy = Map as unknown as {
  groupBy?: <K, T>(items: Iterable<T>, key: (item: T, index: number) => K) => Map<K, T[]>;
};
if (typeof MapWithGroupBy.groupBy !== 'function') {
  MapWithGroupBy.groupBy = <K, T>(items: Iterable<T>, key: (item: T, index: number) => K) => {
    const groups = new Map<K, T[]>();
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      const g = groups.get(k);
      if (g) g.push(item);
      else groups.set(k, [item]);
    }
    return groups;
  };
}
const ObjectWithGroupBy = Object as unknown as {
  groupBy?: <T>(
    items: Iterable<T>,
    key: (item: T, index: number) => PropertyKey,
  ) => Record<PropertyKey, T[]>;
};
if (typeof ObjectWithGroupBy.groupBy !== 'function') {
  ObjectWithGroupBy.groupBy = <T>(
    items: Iterable<T>,
    key: (item: T, index: number) => PropertyKey,
  ) => {
    const groups: Record<PropertyKey, T[]> = Object.create(null);
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      (groups[k] ??= []).push(item);
    }
    return groups;
  };
}

export {};
