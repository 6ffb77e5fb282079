import type { CustomObjectsApi, KubernetesListObject } from '@kubernetes/client-node';
import {
  GROUP,
  VERSION,
  emergencyStopPresentation,
  type EmergencyStop,
  powerToolConfigPresentation,
  powerToolPresentation,
  powerToolProcessingPresentation,
  powerToolSchedulePresentation,
  powerToolScenarioPresentation,
  type PowerTool,
  type PowerToolConfig,
  type PowerToolProcessing,
  type PowerToolSchedule,
  type PowerToolScenario,
} from '../api/index.ts';
import { mergePatch } from './patch.ts';

/** JSON with sorted keys, so a status read back from the API server compares equal to the one we computed. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** What the API server adds to an object's metadata; the zod schemas leave it open (`loose`). */
export interface ServerMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Resource {
  metadata: { name: string };
  status?: unknown;
}

/** An object as read from the API server: the schema's type plus the server's metadata. */
export type Live<T extends Resource> = T & { metadata: T['metadata'] & ServerMeta };

/**
 * One custom resource of the toe.dev group, typed by its zod-inferred type, so callers name neither group, version
 * nor plural. The CustomObjectsApi returns `object`; the casts live here, once. Reads are not validated: the CRD's
 * schema already holds what the API server stores, and reconcilers parse what they act on.
 */
export class ResourceClient<T extends Resource> {
  constructor(
    private readonly custom: CustomObjectsApi,
    readonly plural: string,
  ) {}

  private ref(namespace: string, name: string) {
    return { group: GROUP, version: VERSION, plural: this.plural, namespace, name };
  }

  async get(namespace: string, name: string): Promise<Live<T>> {
    return (await this.custom.getNamespacedCustomObject(this.ref(namespace, name))) as Live<T>;
  }

  /** One namespace, or all of them without one. */
  async list(namespace?: string): Promise<KubernetesListObject<Live<T>>> {
    const list =
      namespace === undefined
        ? await this.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: this.plural })
        : await this.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: this.plural, namespace });
    return list as KubernetesListObject<Live<T>>;
  }

  /** A JSON merge patch of the object (metadata, spec); a `metadata.resourceVersion` in it is a precondition. */
  async mergePatch(namespace: string, name: string, body: object): Promise<Live<T>> {
    return (await this.custom.patchNamespacedCustomObject({ ...this.ref(namespace, name), body }, mergePatch())) as Live<T>;
  }

  /**
   * A merge patch of the status subresource. With a resourceVersion the write is refused (409) when the object
   * changed since it was read, so a status computed from stale data never lands over newer state.
   */
  async patchStatus(namespace: string, name: string, status: NonNullable<T['status']>, resourceVersion?: string): Promise<Live<T>> {
    const body = { ...(resourceVersion !== undefined ? { metadata: { resourceVersion } } : {}), status };
    return (await this.custom.patchNamespacedCustomObjectStatus({ ...this.ref(namespace, name), body }, mergePatch())) as Live<T>;
  }

  /**
   * The one status writer of the three controllers: writes only when the status differs from what `obj` holds,
   * with obj's resourceVersion as the precondition, so a status computed from a stale cache is refused (409) and
   * the key is retried on fresh data, never written over newer state. Returns whether anything was written.
   */
  async updateStatus(obj: Live<T>, status: NonNullable<T['status']>): Promise<boolean> {
    if (canonical(obj.status ?? {}) === canonical(status)) return false;
    await this.patchStatus(obj.metadata.namespace ?? '', obj.metadata.name, status, obj.metadata.resourceVersion);
    return true;
  }

  /** Deletes the object; with a uid, only that incarnation of the name (a re-created object is left alone). */
  async delete(namespace: string, name: string, preconditions?: { uid?: string }): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({ ...this.ref(namespace, name), ...(preconditions ? { body: { preconditions } } : {}) });
  }
}

/** A cluster-scoped toe.dev kind (EmergencyStop): the same calls as ResourceClient, without a namespace. */
export class ClusterResourceClient<T extends Resource> {
  constructor(
    private readonly custom: CustomObjectsApi,
    readonly plural: string,
  ) {}

  private ref(name: string) {
    return { group: GROUP, version: VERSION, plural: this.plural, name };
  }

  async get(name: string): Promise<Live<T>> {
    return (await this.custom.getClusterCustomObject(this.ref(name))) as Live<T>;
  }

  async list(): Promise<KubernetesListObject<Live<T>>> {
    return (await this.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: this.plural })) as KubernetesListObject<
      Live<T>
    >;
  }

  async create(body: T): Promise<Live<T>> {
    return (await this.custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural: this.plural, body })) as Live<T>;
  }

  /** As ResourceClient.updateStatus: only when changed, with obj's resourceVersion as the precondition. */
  async updateStatus(obj: Live<T>, status: NonNullable<T['status']>): Promise<boolean> {
    if (canonical(obj.status ?? {}) === canonical(status)) return false;
    const body = { metadata: { resourceVersion: obj.metadata.resourceVersion }, status };
    await this.custom.patchClusterCustomObjectStatus({ ...this.ref(obj.metadata.name), body }, mergePatch());
    return true;
  }

  async delete(name: string): Promise<void> {
    await this.custom.deleteClusterCustomObject(this.ref(name));
  }
}

/** The kinds' clients; plurals come from the presentations the CRDs are generated from. */
export interface ToeResources {
  powerTools: ResourceClient<PowerTool>;
  configs: ResourceClient<PowerToolConfig>;
  processings: ResourceClient<PowerToolProcessing>;
  emergencyStops: ClusterResourceClient<EmergencyStop>;
  schedules: ResourceClient<PowerToolSchedule>;
  scenarios: ResourceClient<PowerToolScenario>;
}

export function toeResources(custom: CustomObjectsApi): ToeResources {
  return {
    powerTools: new ResourceClient<PowerTool>(custom, powerToolPresentation.plural),
    configs: new ResourceClient<PowerToolConfig>(custom, powerToolConfigPresentation.plural),
    processings: new ResourceClient<PowerToolProcessing>(custom, powerToolProcessingPresentation.plural),
    emergencyStops: new ClusterResourceClient<EmergencyStop>(custom, emergencyStopPresentation.plural),
    schedules: new ResourceClient<PowerToolSchedule>(custom, powerToolSchedulePresentation.plural),
    scenarios: new ResourceClient<PowerToolScenario>(custom, powerToolScenarioPresentation.plural),
  };
}
