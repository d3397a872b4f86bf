import type { Bench } from 'tinybench';
import type { ResultRow } from './report.js';

/** What a suite is told about the run it is part of. */
export interface SuiteContext {
  /** A short run: fewer samples and smaller data sets, for CI and quick checks. */
  readonly quick: boolean;
}

/** Releases what a suite set up (servers, temp dirs). */
export type Cleanup = () => Promise<void> | void;

/**
 * A benchmark suite: a file in `bench/src/suites/` whose default export registers tinybench
 * tasks (`register`), or runs its own load generator and returns rows (`run`: for scenarios
 * tinybench cannot express, such as many operations in flight at once). The runner gives each
 * suite its own `Bench`, runs it, and prints one table for all.
 */
export interface BenchSuite {
  readonly name: string;
  register?(bench: Bench, ctx: SuiteContext): Promise<Cleanup | void> | Cleanup | void;
  run?(ctx: SuiteContext): Promise<ResultRow[]>;
}

/** Declares a suite (an identity function that gives the suite object its type). */
export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}
