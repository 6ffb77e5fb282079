/**
 * Admission of PowerTools: the answer to one AdmissionReview, from the request and the operator's PowerToolConfigs.
 * Pure: the server does the I/O, the caller supplies the configs.
 *
 * Why a webhook and not a ValidatingAdmissionPolicy: a policy runs CEL inside the API server, and the check that
 * matters here is the tool's allowlist (src/allowlist), a parser in TypeScript driven by each PowerToolConfig's
 * parameters (types, ranges, path roots, anchored patterns, re-serialisation). CEL cannot run that parser, and a
 * second, CEL-shaped copy of it would disagree with the one the controller re-checks before injecting. A webhook
 * runs the same function (`admitPowerTool`) as `toe validate` and the controller.
 */
import {
  GROUP,
  MAX_SCHEDULE_NAME,
  powerTool,
  powerToolConfigSpec,
  powerToolScenario,
  powerToolSchedule,
  type PowerToolConfig,
  type PowerToolSpec,
} from '../../api/index.ts';
import { parseCron } from '../../schedule/cron.ts';
import { admitPowerTool } from '../../policy/admit.ts';
import { checkScenario } from '../../policy/scenario.ts';
import { issueToError } from '../../validate/schema.ts';
import { changedFields, forbiddenWhileRunning, MUTABLE_WHILE_RUNNING, startedTargets } from './changes.ts';
import type { AdmissionRequest, AdmissionResponse, DenialStatus } from './envelope.ts';
import { requestedByPatch } from './requested-by.ts';
import { refusalMessage, type LiveEmergencyStop } from '../emergency-stop/active.ts';

export interface ConfigLookup {
  /** The PowerToolConfig defining a tool, from the operator's namespace only (see resolve.ts `findConfig`). */
  findConfig: (tool: string) => PowerToolConfig | undefined;
  /** Every tool name defined there, for "unknown tool" messages. */
  knownTools: () => string[];
  /** Where configs are looked up, for messages. */
  operatorNamespace: string;
  /** The emergency stop in force, if any: while one is, no PowerTool may be created (emergency-stop/active.ts). */
  emergencyStop?: () => LiveEmergencyStop | undefined;
}

interface Cause {
  type: 'FieldValueInvalid' | 'FieldValueNotFound' | 'FieldValueForbidden';
  field: string;
  message: string;
}

/** The validating webhook (`/validate`). */
export function validatePowerTool(request: AdmissionRequest, configs: ConfigLookup): AdmissionResponse {
  const allow: AdmissionResponse = { uid: request.uid, allowed: true };
  if (!isPowerTool(request) || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return allow;
  const name = nameOf(request);
  const deny = (causes: Cause[]): AdmissionResponse => ({ uid: request.uid, allowed: false, status: invalid(name, causes) });

  // Only a new run is refused: updates (suspend, finalizers, TTL) must pass so that runs can still be stopped and
  // deleted. A dry run touches nothing and passes too. The reconciler refuses again whatever slips through.
  const stop = request.operation === 'CREATE' ? configs.emergencyStop?.() : undefined;
  if (stop && (specOf(request.object) as { dryRun?: unknown } | undefined)?.dryRun !== true) {
    return deny([{ type: 'FieldValueForbidden', field: 'metadata.name', message: `Forbidden: ${refusalMessage(stop)}` }]);
  }

  if (request.operation === 'UPDATE') {
    const changed = changedFields(specOf(request.oldObject), specOf(request.object));
    // Metadata-only updates (the operator's finalizer, labels) and stop/cleanup fields always pass, so a run can
    // be aborted and deleted even after its tool's config was changed or removed.
    const forbidden = forbiddenWhileRunning(changed);
    if (forbidden.length === 0) return allow;
    const targets = startedTargets(request.oldObject);
    if (targets > 0) {
      const allowed = MUTABLE_WHILE_RUNNING.join(' and ');
      return deny([
        {
          type: 'FieldValueForbidden',
          field: 'spec',
          message: `Forbidden: the run has started on ${targets} target${targets === 1 ? '' : 's'}; only ${allowed} may change (changed: ${forbidden.join(', ')})`,
        },
      ]);
    }
  }

  // Status belongs to the controller (written through /status); a status the schema does not know must not block
  // a spec change, so only the user's part is parsed.
  const parsed = powerTool.safeParse({ ...(request.object as object), status: undefined }, { reportInput: true });
  if (!parsed.success) return deny(parsed.error.issues.map((i) => ({ type: 'FieldValueInvalid', ...fieldOf(issueToError(i)) })));
  const { spec } = parsed.data;

  const causes = toolCauses(spec, configs, 'spec');
  return causes.length > 0 ? deny(causes) : allow;
}

/**
 * The validating webhook for PowerToolSchedules: the schema, the name (runs are named from it), the cron
 * expression, and the template as its PowerTool would be admitted, so a bad schedule is refused when it is
 * applied, not at each slot.
 */
export function validateSchedule(request: AdmissionRequest, configs: ConfigLookup): AdmissionResponse {
  const allow: AdmissionResponse = { uid: request.uid, allowed: true };
  if (!isKind(request, 'PowerToolSchedule') || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return allow;
  const name = nameOf(request);
  const deny = (causes: Cause[]): AdmissionResponse => ({
    uid: request.uid,
    allowed: false,
    status: invalid(name, causes, 'PowerToolSchedule'),
  });
  const parsed = powerToolSchedule.safeParse({ ...(request.object as object), status: undefined }, { reportInput: true });
  if (!parsed.success) return deny(parsed.error.issues.map((i) => ({ type: 'FieldValueInvalid', ...fieldOf(issueToError(i)) })));
  const causes: Cause[] = [];
  if (name.length > MAX_SCHEDULE_NAME)
    causes.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": must be no more than ${MAX_SCHEDULE_NAME} characters (each run is named <schedule>-<slot>)`,
    });
  const { spec } = parsed.data;
  try {
    parseCron(spec.schedule);
  } catch (err) {
    causes.push({
      type: 'FieldValueInvalid',
      field: 'spec.schedule',
      message: `Invalid value: "${spec.schedule}": ${(err as Error).message}`,
    });
  }
  causes.push(...toolCauses(spec.template.spec, configs, 'spec.template.spec'));
  return causes.length > 0 ? deny(causes) : allow;
}

/**
 * The validating webhook for PowerToolScenarios: the schema, what the schema cannot say (checkScenario), each
 * step's PowerTools as they would be admitted, and, once a step has started, no change to the steps (only
 * spec.suspend): a recorded step must keep meaning what ran.
 */
export function validateScenario(request: AdmissionRequest, configs: ConfigLookup): AdmissionResponse {
  const allow: AdmissionResponse = { uid: request.uid, allowed: true };
  if (!isKind(request, 'PowerToolScenario') || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return allow;
  const name = nameOf(request);
  const deny = (causes: Cause[]): AdmissionResponse => ({
    uid: request.uid,
    allowed: false,
    status: invalid(name, causes, 'PowerToolScenario'),
  });
  if (request.operation === 'UPDATE') {
    const steps = (o: unknown) => JSON.stringify((specOf(o) as { steps?: unknown } | undefined)?.steps ?? null);
    const old = request.oldObject as { status?: { steps?: { startedAt?: string }[] } } | undefined;
    const started = (old?.status?.steps ?? []).some((s) => s.startedAt !== undefined);
    if (started && steps(request.oldObject) !== steps(request.object))
      return deny([
        { type: 'FieldValueForbidden', field: 'spec.steps', message: 'Forbidden: the scenario has started; only spec.suspend may change' },
      ]);
  }
  const parsed = powerToolScenario.safeParse({ ...(request.object as object), status: undefined }, { reportInput: true });
  if (!parsed.success) return deny(parsed.error.issues.map((i) => ({ type: 'FieldValueInvalid', ...fieldOf(issueToError(i)) })));
  const { spec } = parsed.data;
  const causes: Cause[] = checkScenario(name, spec).map((e) => ({ type: 'FieldValueInvalid', field: e.path, message: e.message }));
  spec.steps.forEach((step, i) =>
    (step.powerTools ?? []).forEach((t, j) => causes.push(...toolCauses(t.spec, configs, `spec.steps[${i}].powerTools[${j}].spec`))),
  );
  return causes.length > 0 ? deny(causes) : allow;
}

/** A PowerTool spec (at `at`) against its tool's PowerToolConfig in the operator's namespace. */
function toolCauses(spec: PowerToolSpec, configs: ConfigLookup, at: string): Cause[] {
  const tool = spec.tool.name;
  const config = configs.findConfig(tool);
  if (!config) {
    const known = configs.knownTools().sort().join(', ') || 'none';
    return [
      {
        type: 'FieldValueNotFound',
        field: `${at}.tool.name`,
        message: `Not found: "${tool}": no PowerToolConfig in namespace ${configs.operatorNamespace} defines this tool; known tools: ${known}`,
      },
    ];
  }
  const configName = config.metadata?.name ?? tool;
  const notReady = failedReady(config);
  if (notReady) {
    return [
      {
        type: 'FieldValueInvalid',
        field: `${at}.tool.name`,
        message: `Invalid value: "${tool}": the PowerToolConfig ${configName} is not Ready (${notReady.reason}): ${notReady.message}`,
      },
    ];
  }
  const configSpec = powerToolConfigSpec.safeParse(config.spec, { reportInput: true });
  if (!configSpec.success) {
    const problems = configSpec.error.issues.map((i) => issueToError(i)).map((e) => `spec.${e.path}: ${e.message}`);
    return [
      {
        type: 'FieldValueInvalid',
        field: `${at}.tool.name`,
        message: `Invalid value: "${tool}": the PowerToolConfig ${configName} is invalid: ${problems.join(', ')}`,
      },
    ];
  }
  const admission = admitPowerTool(spec, configSpec.data, {
    specPath: at,
    configSource: `PowerToolConfig ${configs.operatorNamespace}/${configName}`,
  });
  return admission.ok ? [] : admission.errors.map((e) => ({ type: 'FieldValueInvalid', field: e.path, message: e.message }));
}

/**
 * The mutating webhook (`/mutate`): records who asked, and keeps that record out of users' hands. The same record
 * is the audit of an EmergencyStop: who pulled it.
 */
export function mutatePowerTool(request: AdmissionRequest): AdmissionResponse {
  const allow: AdmissionResponse = { uid: request.uid, allowed: true };
  if (!isPowerTool(request) && !(request.kind.group === GROUP && request.kind.kind === 'EmergencyStop')) return allow;
  const change = requestedByPatch(request);
  if (!change) return allow;
  return {
    ...allow,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(change.patch)).toString('base64'),
    ...(change.warning ? { warnings: [change.warning] } : {}),
  };
}

/**
 * The denial in the shape of the API server's own validation errors: `message` reads as kubectl prints field
 * errors (`PowerTool "x" is invalid: spec.tool.args[1]: …; …`) and is what the API server shows after
 * `admission webhook "…" denied the request: `; reason Invalid with `details.causes` lets kubectl print one
 * `* field: message` line per cause, as it does for built-in validation. The allowlist's text is kept verbatim.
 */
export function invalid(name: string, causes: Cause[], kind = 'PowerTool'): DenialStatus {
  return {
    status: 'Failure',
    code: 422,
    reason: 'Invalid',
    message: `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join('; ')}`,
    details: { name, group: GROUP, kind, causes },
  };
}

/** A config whose Ready condition is False for its current generation; a stale False is the controller lagging. */
function failedReady(config: PowerToolConfig): { reason: string; message: string } | undefined {
  const ready = config.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'False') return undefined;
  const generation = (config.metadata as { generation?: number }).generation;
  if (ready.observedGeneration !== undefined && generation !== undefined && ready.observedGeneration < generation) return undefined;
  return { reason: ready.reason, message: ready.message };
}

function isPowerTool(request: AdmissionRequest): boolean {
  return isKind(request, 'PowerTool');
}

function isKind(request: AdmissionRequest, kind: string): boolean {
  return request.kind.group === GROUP && request.kind.kind === kind;
}

function nameOf(request: AdmissionRequest): string {
  const meta = (request.object as { metadata?: { name?: string; generateName?: string } } | undefined)?.metadata;
  return meta?.name || request.name || (meta?.generateName ? `${meta.generateName}*` : '');
}

function specOf(object: unknown): unknown {
  return (object as { spec?: unknown } | undefined)?.spec;
}

function fieldOf(error: { path: string; message: string }): { field: string; message: string } {
  return { field: error.path || '<object>', message: error.message };
}
