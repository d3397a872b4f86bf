/**
 * The REST semantics of every resource, independent of HTTP: create, update, patch and delete
 * with Kubernetes' rules (optimistic concurrency on resourceVersion, generateName, system
 * fields, status and scale subresources, graceful deletion and finalizers, dry runs,
 * managedFields), defaulting, validation and admission, all written as txns on the store.
 */
import { ApiError, fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import type { AdmissionStep } from '../admission/types.js';
import { runAdmission } from '../admission/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { groupVersion } from '../registry/definition.js';
import type { ObjectStore, TxnExtra } from '../storage/object-store.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/meta.js';
import { dns1123Subdomain } from '../validation/names.js';
import { unknownFields } from './field-validation.js';
import { generateName, prepareForCreate, prepareForUpdate, rfc3339, unchanged } from './prepare.js';
import type { Sources } from './prepare.js';
import { fromScale, toScale } from './scale.js';
import type { SelectorFormatter } from './scale.js';
import type { DeleteOptions, PatchEngine, PatchType, WriteOptions, WriteResult } from './types.js';

/** What the REST layer needs. */
export interface RestDeps {
  readonly store: ObjectStore;
  readonly sources: Sources;
  readonly patch: PatchEngine;
  /** Admission steps that may change the object; they run before validation. */
  readonly mutating: readonly AdmissionStep[];
  /** Admission steps that only accept or reject; they run after validation. */
  readonly validating: readonly AdmissionStep[];
  readonly formatSelector: SelectorFormatter;
  /**
   * Runs after an object was created (not on dry runs), before the client hears back: what a
   * controller would do at once, done in the request (a new namespace's `default`
   * ServiceAccount), so the next request can rely on it.
   */
  readonly afterCreate?: (def: ResourceDefinition, obj: KubeObject) => Promise<void>;
}

/** How many times a write is retried when another writer got in between (unconditional writes only). */
const MAX_RETRIES = 8;

/** The REST layer. */
export class Rest {
  constructor(private readonly deps: RestDeps) {}

  /** One object; 404 when missing. */
  async get(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    subresource = '',
  ): Promise<KubeObject> {
    const obj = await this.deps.store.get(def, namespace, name);
    if (obj === undefined) throw ApiError.notFound(def, name);
    if (subresource === 'scale') return toScale(obj, this.deps.formatSelector);
    return obj;
  }

  /** Creates an object from a client's body. */
  async create(
    def: ResourceDefinition,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions,
  ): Promise<WriteResult> {
    const obj = this.checkBody(def, body);
    const warnings = this.checkFields(def, obj, opts);
    this.placeInNamespace(def, obj, namespace);
    const requestedName = obj.metadata.name ?? '';
    for (let attempt = 0; ; attempt++) {
      const candidate = structuredClone(obj);
      if (requestedName === '' && (candidate.metadata.generateName ?? '') !== '') {
        candidate.metadata.name = generateName(candidate.metadata.generateName ?? '', this.deps.sources.random);
      }
      try {
        const object = await this.createPrepared(def, candidate, opts);
        return { object, created: true, warnings };
      } catch (err) {
        const generated = requestedName === '' && err instanceof ApiError && err.reason === 'AlreadyExists';
        if ((generated || isAllocationRace(err)) && attempt < MAX_RETRIES) continue;
        throw err;
      }
    }
  }

  /** Replaces an object (PUT), or its status or scale. */
  async update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    subresource = '',
  ): Promise<WriteResult> {
    if (subresource === 'scale') {
      return this.guaranteedUpdate(def, namespace, name, opts, subresource, (current) => fromScale(current, body), []);
    }
    const obj = this.checkBody(def, body);
    const warnings = this.checkFields(def, obj, opts);
    this.placeInNamespace(def, obj, namespace);
    if (obj.metadata.name !== name) {
      throw ApiError.badRequest(
        `the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    return this.guaranteedUpdate(def, namespace, name, opts, subresource, () => structuredClone(obj), warnings);
  }

  /** Applies a patch of `type` to an object (or to its status or scale). */
  async patch(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: WriteOptions & { force: boolean },
    subresource = '',
  ): Promise<WriteResult> {
    const { patch } = this.deps;
    if (type === 'apply') return this.apply(def, namespace, name, body, opts, subresource);
    return this.guaranteedUpdate(
      def,
      namespace,
      name,
      opts,
      subresource,
      (current) => {
        const view = subresource === 'scale' ? toScale(current, this.deps.formatSelector) : current;
        let patched: unknown;
        switch (type) {
          case 'merge':
            patched = patch.merge(view, body);
            break;
          case 'json':
            patched = patch.json(view, body);
            break;
          case 'strategic':
            patched = patch.strategic(view, body, subresource === 'scale' ? undefined : def.patchSchema);
            break;
        }
        if (subresource === 'scale') return fromScale(current, patched);
        const obj = this.checkBody(def, patched);
        return obj;
      },
      [],
    );
  }

  /** Deletes an object: at once, or gracefully / after its finalizers (then it is returned with a deletionTimestamp). */
  async delete(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
    opts: WriteOptions,
  ): Promise<WriteResult> {
    const dryRun = opts.dryRun || (options.dryRun ?? []).includes('All');
    for (let attempt = 0; ; attempt++) {
      const current = await this.deps.store.get(def, namespace, name);
      if (current === undefined) throw ApiError.notFound(def, name);
      checkPreconditions(def, current, options);
      try {
        return await this.deleteCurrent(def, current, options, { ...opts, dryRun });
      } catch (err) {
        if (isRetryableConflict(err) && attempt < MAX_RETRIES && options.preconditions?.resourceVersion === undefined)
          continue;
        throw err;
      }
    }
  }

  private async deleteCurrent(
    def: ResourceDefinition,
    current: KubeObject,
    options: DeleteOptions,
    opts: WriteOptions,
  ): Promise<WriteResult> {
    const dryRun = opts.dryRun;
    // Every admission step sees the delete once, also one that only marks the object; the
    // txn extras (released allocations) join the store delete when there is one.
    const extra = await runAdmission([...this.deps.mutating, ...this.deps.validating], {
      operation: 'DELETE',
      def,
      subresource: '',
      object: current,
      old: current,
      dryRun,
      ...userOf(opts),
    });
    const next = structuredClone(current);
    const meta = next.metadata;
    const now = this.deps.sources.now();
    const finalizers = new Set(meta.finalizers ?? []);
    const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
    if (policy === 'Foreground') finalizers.add('foregroundDeletion');
    if (policy === 'Orphan') finalizers.add('orphan');

    let grace = 0;
    if (def.group === '' && def.kind === 'Pod') grace = podGracePeriod(current, options);
    const namespaceFinalizers =
      def.group === '' && def.kind === 'Namespace'
        ? ((next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [])
        : [];

    if (grace > 0 || finalizers.size > 0 || namespaceFinalizers.length > 0) {
      // Graceful: mark the object; its node agent, finalizers or controller remove it later.
      const already = meta.deletionTimestamp !== undefined;
      const deadline = rfc3339(now + grace * 1000);
      if (!already || (meta.deletionGracePeriodSeconds ?? 0) > grace) {
        meta.deletionTimestamp = already && grace === 0 ? meta.deletionTimestamp : deadline;
        meta.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.size > 0) meta.finalizers = [...finalizers];
      if (namespaceFinalizers.length > 0) next.status = { ...(next.status as object), phase: 'Terminating' };
      if (unchanged(next, current)) return { object: current, created: false, warnings: [] };
      if (dryRun) return { object: next, created: false, warnings: [] };
      await runAdmission(this.deps.validating, {
        operation: 'UPDATE',
        def,
        subresource: '',
        object: next,
        old: current,
        dryRun,
        ...userOf(opts),
      });
      const stored = await this.deps.store.update(def, next, Number(current.metadata.resourceVersion));
      return { object: stored, created: false, warnings: [] };
    }
    if (dryRun) return { object: current, created: false, warnings: [] };
    const revision = await this.deps.store.delete(def, current, Number(current.metadata.resourceVersion), extra);
    return {
      object: { ...current, metadata: { ...current.metadata, resourceVersion: String(revision) } },
      created: false,
      warnings: [],
    };
  }

  /**
   * Binds a pod to a node (the `binding` subresource, as the scheduler uses it): sets
   * spec.nodeName and the PodScheduled condition; 409 when the pod is already bound.
   */
  async bind(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): Promise<void> {
    if (!isObject(body) || !isObject(body.target) || typeof body.target.name !== 'string' || body.target.name === '') {
      throw ApiError.invalid({ group: '', kind: 'Binding' }, name, [fieldError.required('target.name')]);
    }
    const node = body.target.name;
    const meta = isObject(body.metadata) ? body.metadata : {};
    if (meta.name !== undefined && meta.name !== name) {
      throw ApiError.badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    for (let attempt = 0; ; attempt++) {
      const current = await this.deps.store.get(def, namespace, name);
      if (current === undefined) throw ApiError.notFound(def, name);
      if (current.metadata.deletionTimestamp !== undefined) {
        throw ApiError.conflict(def, name, 'pod is being deleted, cannot be assigned to a host');
      }
      const spec = (current.spec ?? {}) as { nodeName?: string };
      if ((spec.nodeName ?? '') !== '') {
        throw ApiError.conflict(def, name, `pod ${name} is already assigned to node "${spec.nodeName ?? ''}"`);
      }
      const next = structuredClone(current);
      (next.spec as { nodeName?: string }).nodeName = node;
      const status = (next.status ?? {}) as {
        conditions?: { type: string; status: string; lastProbeTime?: null; lastTransitionTime?: string }[];
      };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: rfc3339(this.deps.sources.now()),
      });
      next.status = { ...status, conditions };
      if (opts.dryRun) return;
      try {
        await this.deps.store.update(def, next, Number(current.metadata.resourceVersion));
        return;
      } catch (err) {
        if (isRetryableConflict(err) && attempt < MAX_RETRIES) continue;
        throw err;
      }
    }
  }

  /** Server-side apply: creates the object when missing. */
  private async apply(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions & { force: boolean },
    subresource: string,
  ): Promise<WriteResult> {
    const applied = this.checkBody(def, body);
    this.placeInNamespace(def, applied, namespace);
    if (applied.metadata.name !== name) {
      throw ApiError.badRequest(
        `the name of the object (${applied.metadata.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    const warnings = this.checkFields(def, applied, opts);
    const now = rfc3339(this.deps.sources.now());
    for (let attempt = 0; ; attempt++) {
      const live = await this.deps.store.get(def, namespace, name);
      const result = this.deps.patch.apply({
        live,
        applied,
        manager: opts.fieldManager,
        force: opts.force,
        now,
        apiVersion: groupVersion(def),
        schema: def.patchSchema,
      });
      try {
        if (live === undefined) {
          const object = await this.createPrepared(def, result.object, opts, true);
          return { object, created: true, warnings };
        }
        const out = await this.updatePrepared(def, result.object, live, opts, subresource, true);
        return { ...out, warnings };
      } catch (err) {
        if (
          (isRetryableConflict(err) || (err instanceof ApiError && err.reason === 'AlreadyExists')) &&
          attempt < MAX_RETRIES
        )
          continue;
        throw err;
      }
    }
  }

  /**
   * Reads the current object, computes the new one with `change`, and writes it if the object
   * did not change meanwhile; retries on a conflict unless the caller pinned a resourceVersion.
   */
  private async guaranteedUpdate(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    subresource: string,
    change: (current: KubeObject) => KubeObject,
    warnings: string[],
  ): Promise<WriteResult> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.deps.store.get(def, namespace, name);
      if (current === undefined) throw ApiError.notFound(def, name);
      const next = change(structuredClone(current));
      const pinned = next.metadata.resourceVersion;
      if (pinned !== undefined && pinned !== '' && pinned !== current.metadata.resourceVersion) {
        throw ApiError.conflict(
          def,
          name,
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      }
      try {
        const out = await this.updatePrepared(def, next, current, opts, subresource, false);
        const object = subresource === 'scale' ? toScale(out.object, this.deps.formatSelector) : out.object;
        return { ...out, object, warnings: [...warnings, ...out.warnings] };
      } catch (err) {
        const unpinned = pinned === undefined || pinned === '';
        if (isRetryableConflict(err) && unpinned && attempt < MAX_RETRIES) continue;
        throw err;
      }
    }
  }

  private async createPrepared(
    def: ResourceDefinition,
    obj: KubeObject,
    opts: WriteOptions,
    applied = false,
  ): Promise<KubeObject> {
    prepareForCreate(def, obj, this.deps.sources);
    def.strategy.defaults(obj);
    const request = {
      operation: 'CREATE' as const,
      def,
      subresource: '',
      object: obj,
      dryRun: opts.dryRun,
      ...userOf(opts),
    };
    const mutated = await runAdmission(this.deps.mutating, request);
    this.validate(def, obj, def.strategy.validate(obj));
    const validated = await runAdmission(this.deps.validating, request);
    const stored = applied
      ? obj
      : this.deps.patch.recordUpdate({
          before: undefined,
          after: obj,
          manager: opts.fieldManager,
          now: obj.metadata.creationTimestamp ?? '',
          apiVersion: groupVersion(def),
        });
    if (opts.dryRun) return stored;
    const created = await this.deps.store.create(def, stored, joinExtra(mutated, validated));
    await this.deps.afterCreate?.(def, created);
    return created;
  }

  private async updatePrepared(
    def: ResourceDefinition,
    obj: KubeObject,
    current: KubeObject,
    opts: WriteOptions,
    subresource: string,
    applied: boolean,
  ): Promise<WriteResult> {
    if (!isObject(obj.metadata)) throw ApiError.badRequest('metadata must be an object');
    let next = prepareForUpdate(def, obj, current, subresource);
    def.strategy.defaults(next);
    const request = {
      operation: 'UPDATE' as const,
      def,
      subresource,
      object: next,
      old: current,
      dryRun: opts.dryRun,
      ...userOf(opts),
    };
    const mutated = await runAdmission(this.deps.mutating, request);
    const errors = [
      ...validateObjectMetaUpdate(next.metadata, current.metadata),
      ...def.strategy.validateUpdate(next, current),
    ];
    this.validate(def, next, errors);
    const validated = await runAdmission(this.deps.validating, request);
    if (!applied) {
      next = this.deps.patch.recordUpdate({
        before: current,
        after: next,
        manager: opts.fieldManager,
        now: rfc3339(this.deps.sources.now()),
        apiVersion: groupVersion(def),
        ...(subresource === '' ? {} : { subresource }),
      });
    }
    if (unchanged(next, current)) return { object: current, created: false, warnings: [] };
    const deleting = current.metadata.deletionTimestamp !== undefined;
    if (
      deleting &&
      (next.metadata.finalizers ?? []).length === 0 &&
      !(def.group === '' && def.kind === 'Namespace') &&
      !(def.group === '' && def.kind === 'Pod' && (current.metadata.deletionGracePeriodSeconds ?? 0) > 0)
    ) {
      // The last finalizer is gone: the object goes.
      if (opts.dryRun) return { object: next, created: false, warnings: [] };
      const revision = await this.deps.store.delete(def, current, Number(current.metadata.resourceVersion));
      return {
        object: { ...next, metadata: { ...next.metadata, resourceVersion: String(revision) } },
        created: false,
        warnings: [],
      };
    }
    if (opts.dryRun) return { object: next, created: false, warnings: [] };
    const stored = await this.deps.store.update(
      def,
      next,
      Number(current.metadata.resourceVersion),
      joinExtra(mutated, validated),
    );
    return { object: stored, created: false, warnings: [] };
  }

  /** Throws 422 with the object's metadata and kind problems. */
  private validate(def: ResourceDefinition, obj: KubeObject, kindErrors: FieldError[]): void {
    const metaErrors = hasMetaValidation(def)
      ? []
      : validateObjectMeta(obj.metadata, { namespaced: def.namespaced, name: dns1123Subdomain });
    const errors = dedupe([...metaErrors, ...kindErrors]);
    if (errors.length > 0) throw ApiError.invalid(def, obj.metadata.name ?? obj.metadata.generateName ?? '', errors);
  }

  /** The body as an object of the resource's kind; 400 otherwise. */
  private checkBody(def: ResourceDefinition, body: unknown): KubeObject {
    if (!isObject(body)) throw ApiError.badRequest('the body of the request must be a JSON object');
    const gv = groupVersion(def);
    if (body.kind !== undefined && body.kind !== '' && body.kind !== def.kind) {
      throw ApiError.badRequest(
        `the kind of the object (${String(body.kind)}) does not match the resource (${def.kind})`,
      );
    }
    if (body.apiVersion !== undefined && body.apiVersion !== '' && body.apiVersion !== gv) {
      throw ApiError.badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${gv})`,
      );
    }
    if (body.metadata === undefined || body.metadata === null) body.metadata = {};
    if (!isObject(body.metadata)) throw ApiError.badRequest('metadata must be an object');
    for (const key of ['name', 'namespace', 'generateName', 'resourceVersion', 'uid']) {
      const value = body.metadata[key];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        throw ApiError.invalid(def, '', [fieldError.typeInvalid(`metadata.${key}`, value, 'must be a string')]);
      }
    }
    const obj = body as KubeObject;
    if (obj.metadata.creationTimestamp === null) delete obj.metadata.creationTimestamp;
    return obj;
  }

  private checkFields(def: ResourceDefinition, obj: KubeObject, opts: WriteOptions): string[] {
    if (opts.fieldValidation === 'Ignore') return [];
    const unknown = unknownFields(def.kind, obj);
    if (unknown.length === 0) return [];
    if (opts.fieldValidation === 'Strict') {
      const list = unknown.map((f) => `unknown field "${f}"`);
      throw ApiError.badRequest(`strict decoding error: ${list.join(', ')}`);
    }
    return unknown.map((f) => `unknown field "${f}"`);
  }

  private placeInNamespace(def: ResourceDefinition, obj: KubeObject, namespace: string | undefined): void {
    if (!def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const given = obj.metadata.namespace ?? '';
    if (given !== '' && namespace !== undefined && given !== namespace) {
      throw ApiError.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (namespace !== undefined) obj.metadata.namespace = namespace;
  }
}

/** Whether the kind's strategy validates metadata itself (every kind with a strategy does). */
function hasMetaValidation(def: ResourceDefinition): boolean {
  return def.strategy.validate !== NO_STRATEGY.validate;
}

/** A strategy that defaults nothing and finds nothing wrong (for kinds without their own). */
export const NO_STRATEGY = {
  defaults(): void {},
  validate(): FieldError[] {
    return [];
  },
  validateUpdate(): FieldError[] {
    return [];
  },
};

/** The user of a write, as an admission request field. */
function userOf(opts: WriteOptions): { user?: NonNullable<WriteOptions['user']> } {
  return opts.user === undefined ? {} : { user: opts.user };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.type}|${e.field}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function joinExtra(a: TxnExtra, b: TxnExtra): TxnExtra {
  return {
    compare: [...(a.compare ?? []), ...(b.compare ?? [])],
    success: [...(a.success ?? []), ...(b.success ?? [])],
  };
}

function checkPreconditions(def: ResourceDefinition, current: KubeObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw ApiError.conflict(
      def,
      current.metadata.name ?? '',
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
    );
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw ApiError.conflict(
      def,
      current.metadata.name ?? '',
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
    );
  }
}

/**
 * The grace period of a pod's deletion: 0 (delete at once) for a pod never scheduled or already
 * finished, else the option, else the pod's terminationGracePeriodSeconds (30 by default).
 */
function podGracePeriod(pod: KubeObject, options: DeleteOptions): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if ((spec.nodeName ?? '') === '' || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, grace);
}

function isRetryableConflict(err: unknown): boolean {
  return err instanceof ApiError && err.reason === 'Conflict';
}

function isAllocationRace(err: unknown): boolean {
  return err instanceof ApiError && err.reason === 'Conflict' && err.message.startsWith('a concurrent write took');
}
