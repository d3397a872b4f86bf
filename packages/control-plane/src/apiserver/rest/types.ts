/** The vocabulary of the REST layer: write options, results and the injected patch engine. */
import type { UserInfo } from '../../auth/user.js';
import type { KubeObject } from '../api/types.js';

/** How the server checks fields it does not know (the `fieldValidation` query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Options of every write. */
export interface WriteOptions {
  /** `dryRun=All`: run everything but the store write. */
  readonly dryRun: boolean;
  /** Who makes the change, recorded in managedFields. */
  readonly fieldManager: string;
  readonly fieldValidation: FieldValidation;
  /** Who asks (when the server authenticates requests); admission steps read it. */
  readonly user?: UserInfo;
}

/** The result of a write. */
export interface WriteResult {
  readonly object: KubeObject;
  /** Whether the write created the object (HTTP 201). */
  readonly created: boolean;
  /** Warnings for the client (`Warning` headers). */
  readonly warnings: string[];
}

/** The patch types of the API (by Content-Type). */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

/** The patch engines the REST layer uses (the patch module, injected). */
export interface PatchEngine {
  merge(target: unknown, patch: unknown): unknown;
  json(doc: unknown, ops: unknown): unknown;
  strategic(original: unknown, patch: unknown, schema: unknown): unknown;
  apply(input: {
    live: KubeObject | undefined;
    applied: KubeObject;
    manager: string;
    force: boolean;
    now: string;
    apiVersion: string;
    schema: unknown;
  }): { object: KubeObject; created: boolean };
  recordUpdate(input: {
    before: KubeObject | undefined;
    after: KubeObject;
    manager: string;
    now: string;
    apiVersion: string;
    subresource?: string;
  }): KubeObject;
}

/** Kubernetes' DeleteOptions (the parts the server acts on). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
  orphanDependents?: boolean;
}
