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

/** Directed links cut by one fault, so that the fault can restore exactly those. */
export type Cut = readonly string[];

/**
 * The simulated network between members (and clients): which directed links are cut, and with
 * what loss, duplication and delay each message travels. Random delays reorder messages.
 * Cutting a link also loses the messages still travelling on it (a dropped connection loses
 * its buffers). Faults may overlap: a link stays cut until every fault that cut it is over.
 * Clients are never partitioned from members (they may reach a deposed leader: that is the point).
 */
export class Network {
  /** How many faults currently cut each directed link. */
  private readonly cut = new Map<string, number>();
  /** How many times each directed link was ever cut: a message sent in an earlier epoch is lost. */
  private readonly epochs = new Map<string, number>();
  faults: LinkFaults = calmLinks;

  constructor(private readonly rng: Prng) {}

  private static link(from: string, to: string): string {
    return `${from}->${to}`;
  }

  /** Cuts the link from → to (one way); returns the cut, for {@link restore}. */
  cutLink(from: string, to: string): Cut {
    const link = Network.link(from, to);
    this.cut.set(link, (this.cut.get(link) ?? 0) + 1);
    this.epochs.set(link, (this.epochs.get(link) ?? 0) + 1);
    return [link];
  }

  /** Cuts both directions between every member of `a` and every member of `b`. */
  separate(a: readonly string[], b: readonly string[]): Cut {
    const links: string[] = [];
    for (const x of a) {
      for (const y of b) links.push(...this.cutLink(x, y), ...this.cutLink(y, x));
    }
    return links;
  }

  /** Ends one fault's cut; links that another fault still cuts stay cut. */
  restore(cut: Cut): void {
    for (const link of cut) {
      const n = this.cut.get(link) ?? 0;
      if (n <= 1) this.cut.delete(link);
      else this.cut.set(link, n - 1);
    }
  }

  /** Ends every cut. */
  heal(): void {
    this.cut.clear();
  }

  isCut(from: string, to: string): boolean {
    return this.cut.has(Network.link(from, to));
  }

  /**
   * The link's epoch: it changes whenever the link is cut. A message arrives only if the
   * epoch at delivery is the one it was sent in.
   */
  epoch(from: string, to: string): number {
    return this.epochs.get(Network.link(from, to)) ?? 0;
  }

  /** A description of the cut links, for traces. */
  describe(): string {
    return this.cut.size === 0 ? 'none' : [...this.cut.keys()].sort().join(' ');
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
