import type { Prng } from './prng.js';

/** A partition shape the fault schedule can impose on the members' links. */
export type PartitionKind = 'isolateOne' | 'isolateLeader' | 'oneWay' | 'ring' | 'split';

/** Probabilities and delays of the simulated links (time in simulated milliseconds). */
export interface LinkFaults {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly minDelay: number;
  readonly maxDelay: number;
  /** The share of messages that take the slow path (a retransmit, a pause): up to `slowDelay`. */
  readonly slowRate: number;
  readonly slowDelay: number;
}

/** Healthy links: a little delay, no loss, and now and then a straggler. */
export const calmLinks: LinkFaults = {
  dropRate: 0,
  duplicateRate: 0,
  minDelay: 1,
  maxDelay: 5,
  slowRate: 0.02,
  slowDelay: 150,
};

/**
 * The simulated network between members (and clients): which directed links are cut, and with
 * what loss, duplication and delay each message travels. Random delays reorder messages.
 * Clients are never partitioned from members (they may reach a deposed leader: that is the point).
 */
export class Network {
  private readonly cut = new Set<string>();
  faults: LinkFaults = calmLinks;

  constructor(private readonly rng: Prng) {}

  private static link(from: string, to: string): string {
    return `${from}->${to}`;
  }

  /** Cuts the link from → to (one way). */
  cutLink(from: string, to: string): void {
    this.cut.add(Network.link(from, to));
  }

  /** Cuts both directions between every member of `a` and every member of `b`. */
  separate(a: readonly string[], b: readonly string[]): void {
    for (const x of a) {
      for (const y of b) {
        this.cutLink(x, y);
        this.cutLink(y, x);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  isCut(from: string, to: string): boolean {
    return this.cut.has(Network.link(from, to));
  }

  /** A description of the cut links, for traces. */
  describe(): string {
    return this.cut.size === 0 ? 'none' : [...this.cut].sort().join(' ');
  }

  /**
   * The delivery delays of one message from → to: none if it is lost, two if it is duplicated.
   */
  deliveries(from: string, to: string): number[] {
    if (this.isCut(from, to)) return [];
    if (this.rng.chance(this.faults.dropRate)) return [];
    const f = this.faults;
    const delay = () =>
      this.rng.chance(f.slowRate) ? this.rng.int(f.maxDelay, f.slowDelay) : this.rng.int(f.minDelay, f.maxDelay);
    return this.rng.chance(this.faults.duplicateRate) ? [delay(), delay()] : [delay()];
  }
}
