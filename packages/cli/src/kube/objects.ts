/** Reading objects for the verbs: by names or by selector, with kind and apiVersion filled in. */
import { apiVersionOf, isNotFound } from '@bosun/sdk';
import type { KubeObject, ResourceDescriptor } from '@bosun/sdk';
import { resourceClient } from './context.js';
import type { Session } from './context.js';
import type { AnyObject } from './output.js';

/** What to read. */
export interface ObjectQuery {
  resource: ResourceDescriptor;
  /** Empty: list (with the selectors). */
  names: readonly string[];
  /** Undefined: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The objects found and the NotFound errors for names that were not (other errors throw). */
export interface ObjectsResult {
  objects: AnyObject[];
  errors: unknown[];
}

/** An object with the kind and apiVersion of its descriptor when the server left them out. */
export function withTypeMeta(d: ResourceDescriptor, obj: KubeObject): AnyObject {
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(d), kind: obj.kind ?? d.kind } as AnyObject;
}

/** Reads the objects of a query. */
export async function getObjects(session: Session, q: ObjectQuery): Promise<ObjectsResult> {
  const rc = resourceClient(session, q.resource, q.namespace);
  const objects: AnyObject[] = [];
  const errors: unknown[] = [];
  if (q.names.length === 0) {
    const list = await rc.list({
      ...(q.labelSelector === undefined ? {} : { labelSelector: q.labelSelector }),
      ...(q.fieldSelector === undefined ? {} : { fieldSelector: q.fieldSelector }),
    });
    for (const item of list.items) objects.push(withTypeMeta(q.resource, item));
    return { objects, errors };
  }
  for (const name of q.names) {
    try {
      objects.push(withTypeMeta(q.resource, await rc.get(name)));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      errors.push(error);
    }
  }
  return { objects, errors };
}
