/**
 * The EmergencyStop controller. Reads: EmergencyStops and PowerTools from the informer caches. Writes: EmergencyStop
 * status only (who pulled it, when, what it stopped, what still runs) and the gauge toe_emergency_stop_active. It
 * stops nothing itself: the PowerTool controller does, through the suspend path, and this one reports what it did.
 */
import type { Controller, ControllerDeps } from '../controller.ts';
import { WorkQueue } from '../queue.ts';
import { activeStop, type LiveEmergencyStop } from './active.ts';
import { emergencyStopStatus } from './status.ts';

export function startEmergencyStopController(deps: ControllerDeps): Controller {
  const { caches, clients } = deps;
  const stops = () => caches.emergencyStops.list() as LiveEmergencyStop[];
  const queue = new WorkQueue(
    async (name) => {
      const stop = caches.emergencyStops.get(name) as LiveEmergencyStop | undefined;
      if (!stop || stop.metadata.deletionTimestamp) return;
      const status = emergencyStopStatus(stop, caches.powerTools.list(), new Date());
      await clients.resources.emergencyStops.updateStatus(stop as never, status);
      // While tools still run, look again: their exits arrive as PowerTool updates, but a lost watch event must not
      // leave the status saying "stopping" forever.
      return status.runningCount ? { requeueAfterMs: 2_000 } : undefined;
    },
    2,
    deps.hooks,
  );
  // Every replica reports the gauge (its own cache says whether a stop exists); only the leader writes status.
  const gauge = () => deps.metrics.emergencyStopActive.set(activeStop(stops()) ? 1 : 0);
  caches.emergencyStops.onChange((stop, kind) => {
    gauge();
    if (deps.leading() && kind !== 'delete') queue.add(stop.metadata.name);
  });
  caches.powerTools.onChange(() => {
    if (deps.leading()) for (const s of stops()) queue.add(s.metadata.name);
  });
  gauge();
  return {
    lead() {
      for (const s of stops()) queue.add(s.metadata.name);
    },
    stop: () => queue.shutdown(),
  };
}
