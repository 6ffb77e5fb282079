/**
 * Where an artifact lives on disk, derived only from the authenticated identity and a checked artifact name.
 *
 * Every segment is checked against what Kubernetes itself allows for that field, so no segment can be `.`, `..`,
 * empty, absolute, or carry a separator, NUL or non-ASCII text; the joined path is then checked to sit under the
 * data directory as a second line of defence.
 */
import { join, resolve, sep } from 'node:path';

/**
 * The artifact names tools may use (powertools/lib/README.md, "Output modes"). A leading letter or digit keeps names
 * off hidden files, `.` and `..`.
 */
export const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
// The sidecar that records size, partial flag and digest; an artifact with this suffix would overwrite another's.
export const META_SUFFIX = '.meta.json';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes object UIDs are RFC 4122 UUIDs written in lower case.
const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A name or path segment that breaks the rules; `field` names it for the error message. */
export class RefusedName extends Error {
  constructor(
    readonly field: string,
    readonly allowed: string,
  ) {
    super(`${field} is not allowed: ${allowed}`);
    this.name = 'RefusedName';
  }
}

/** Who owns an artifact: the parts of the verified identity that pick its directory. */
export interface Owner {
  namespace: string;
  powerToolUID: string;
  podName: string;
}

export function checkArtifactName(name: string): string {
  if (!ARTIFACT_NAME.test(name)) {
    throw new RefusedName('artifact', 'it must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$');
  }
  if (name.endsWith(META_SUFFIX)) throw new RefusedName('artifact', `the suffix ${META_SUFFIX} is reserved`);
  return name;
}

export function checkNamespace(name: string): string {
  if (!DNS_LABEL.test(name)) throw new RefusedName('namespace', 'it must be a DNS label (RFC 1123, at most 63 characters)');
  return name;
}

export function checkUID(uid: string): string {
  if (!UID.test(uid)) throw new RefusedName('powerToolUID', 'it must be a Kubernetes UID (a lower-case UUID)');
  return uid;
}

export function checkPodName(name: string): string {
  if (!DNS_SUBDOMAIN.test(name)) throw new RefusedName('pod', 'it must be a DNS subdomain (RFC 1123, at most 253 characters)');
  return name;
}

/** The files of one artifact: the finished file, its sidecar, and the in-progress upload with its state. */
export interface ArtifactPaths {
  dir: string;
  final: string;
  meta: string;
  metaTemp: string;
  upload: string;
  uploadState: string;
}

export function runDir(dataDir: string, namespace: string, powerToolUID: string): string {
  return inside(dataDir, join(checkNamespace(namespace), checkUID(powerToolUID)));
}

export function artifactPaths(dataDir: string, owner: Owner, artifact: string): ArtifactPaths {
  const name = checkArtifactName(artifact);
  const dir = inside(dataDir, join(checkNamespace(owner.namespace), checkUID(owner.powerToolUID), checkPodName(owner.podName)));
  return {
    dir,
    final: join(dir, name),
    meta: join(dir, name + META_SUFFIX),
    metaTemp: join(dir, `.${name}${META_SUFFIX}.tmp`),
    // Hidden names cannot collide with an artifact: artifact names never start with a dot.
    upload: join(dir, `.${name}.upload`),
    uploadState: join(dir, `.${name}.upload.json`),
  };
}

/** The artifact name behind an upload file name, or undefined for any other file. */
export function artifactOfUpload(fileName: string): string | undefined {
  const m = /^\.(.+)\.upload$/.exec(fileName);
  return m && ARTIFACT_NAME.test(m[1] as string) ? m[1] : undefined;
}

function inside(dataDir: string, relative: string): string {
  const root = resolve(dataDir);
  const full = resolve(root, relative);
  if (!full.startsWith(root + sep)) throw new RefusedName('path', 'it must stay inside the data directory');
  return full;
}

/** Whether `name` passes one of the checks above, for listings that skip what they would refuse. */
export function passes(check: (name: string) => string, name: string): boolean {
  try {
    check(name);
    return true;
  } catch {
    return false;
  }
}
