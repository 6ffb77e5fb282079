/**
 * The bounds on gathering one run, one set for every caller (the PowerToolProcessing controller and the
 * quickstart): a report is built in memory-bounded streaming passes, but a run with a huge log or thousands of
 * Events must still finish in bounded time and disk, and say what it left out.
 */
export interface GatherLimits {
  /** Events kept per run, newest first: a crash-looping pod can leave thousands, the report needs the recent ones. */
  maxEvents: number;
  /** Events asked of the API server per list; more than maxEvents because other objects' Events share the namespace. */
  listEvents: number;
  /** A tool container's log must end within this; the client does not surface a stalled transfer by itself. */
  logTimeoutMs: number;
  /** Bytes kept per artifact read from a log; more is dropped and the artifact marked partial. */
  maxArtifactBytes: number;
  /** Artifacts kept per target pod's log. */
  maxArtifacts: number;
}

export const GATHER_LIMITS: Readonly<GatherLimits> = Object.freeze({
  maxEvents: 2000,
  listEvents: 5000,
  logTimeoutMs: 120_000,
  // The kubelet keeps 10 MiB of a container's log by default; 256 MiB leaves room for a cluster that keeps more.
  maxArtifactBytes: 256 << 20,
  maxArtifacts: 32,
});
