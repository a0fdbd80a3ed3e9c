import { InterpError } from '@interp/core/base';
import { type AttributeProto, int64ToNumber, type TensorProto } from './onnx-proto.js';

/**
 * A node's attributes by name, with typed getters that take the ONNX default. Built once per node
 * at load time.
 *
 * @example
 * ```ts
 * const attrs = new Attributes(node.attribute ?? [], 'Conv');
 * attrs.ints('strides', [1, 1]);
 * ```
 */
export class Attributes {
  private readonly byName: Map<string, AttributeProto>;

  constructor(
    list: readonly AttributeProto[],
    private readonly where: string,
  ) {
    this.byName = new Map(list.map((a) => [a.name ?? '', a]));
  }

  /** A copy with some integer-list attributes replaced (or added). */
  withInts(overrides: Readonly<Record<string, number[]>>): Attributes {
    const list = [...this.byName.values()].filter((a) => !(a.name && a.name in overrides));
    for (const [name, ints] of Object.entries(overrides)) list.push({ name, ints });
    return new Attributes(list, this.where);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a ? int64ToNumber(a.i) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a ? (a.f ?? 0) : fallback;
  }

  ints(name: string): number[] | undefined;
  ints(name: string, fallback: number[]): number[];
  ints(name: string, fallback?: number[]): number[] | undefined {
    const a = this.byName.get(name);
    return a ? (a.ints ?? []).map((v) => int64ToNumber(v)) : fallback;
  }

  floats(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? [...(a.floats ?? [])] : undefined;
  }

  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    return a?.s ? new TextDecoder().decode(a.s) : fallback;
  }

  tensor(name: string): TensorProto | undefined {
    return this.byName.get(name)?.t ?? undefined;
  }

  /** Throws NOT_SUPPORTED naming the attribute value this package does not implement. */
  unsupported(name: string, value: unknown): never {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${this.where}: ${name}=${JSON.stringify(value)} is not supported by @interp/onnx; re-export the model without it`,
    );
  }
}
