/** The set of served resources, looked up the ways requests name them. */
import type { ResourceDefinition } from './definition.js';
import { groupVersion } from './definition.js';

/** Served resources by group/version/plural and by group/kind. */
export class Registry {
  private readonly byPath = new Map<string, ResourceDefinition>();
  private readonly byKind = new Map<string, ResourceDefinition>();

  constructor(readonly resources: readonly ResourceDefinition[]) {
    for (const def of resources) {
      this.byPath.set(`${groupVersion(def)}/${def.plural}`, def);
      this.byKind.set(def.key, def);
    }
  }

  /** The resource served at `/apis/<group>/<version>/<plural>` (group "" for /api/v1). */
  resource(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byPath.get(`${groupVersion({ group, version })}/${plural}`);
  }

  /** The resource of a kind key (`Pod`, `Deployment.apps`). */
  kind(key: string): ResourceDefinition | undefined {
    return this.byKind.get(key);
  }

  /** The group-versions served, core first: `v1`, `apps/v1`, ... */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const def of this.resources) seen.set(groupVersion(def), { group: def.group, version: def.version });
    return [...seen.values()];
  }

  /** The resources of one group-version. */
  inGroupVersion(group: string, version: string): ResourceDefinition[] {
    return this.resources.filter((d) => d.group === group && d.version === version);
  }
}
