/**
 * `sortie.progress` and `mission.upload_progress` on the `/console` namespace (typed in
 * @aerie/contracts `console.ts`): every phase change of an orchestrated sortie, and the progress
 * of its mission upload, go to the signed-in consoles that may see them (department officers:
 * their department's sorties and vehicles; the rule is `live/visibility.ts`). Both are rare
 * (a dozen phase changes per sortie, a few upload reports a second), so each is one emit to the
 * rooms of the viewers who may see it, which the Socket.IO adapter carries to every server node.
 */
import {
  CONSOLE_NAMESPACE,
  type ConsoleSortieProgress,
  type ConsoleUploadProgress,
  type MissionUploadProgress,
} from '@aerie/contracts';
import type { Server } from 'socket.io';
import type { ConsoleNamespace } from '../live/console-fanout.ts';
import { audienceRooms, type DepartmentDirectory } from '../live/visibility.ts';
import type { SortieProgress } from './orchestrator.ts';

const consoleOf = (io: Server) => io.of(CONSOLE_NAMESPACE) as unknown as ConsoleNamespace;

/** A publisher for the orchestrator's progress. */
export function sortieProgressPublisher(io: Server): (p: SortieProgress) => void {
  const ns = consoleOf(io);
  return (p) => {
    const event: ConsoleSortieProgress = { ...p };
    ns.to(audienceRooms(p.departmentId)).emit('sortie.progress', event);
  };
}

/** A publisher for the bridge's mission upload progress, by vehicle. */
export function uploadProgressPublisher(
  io: Server,
  departments: DepartmentDirectory,
): (vehicleId: string, p: MissionUploadProgress) => void {
  const ns = consoleOf(io);
  return (vehicleId, p) => {
    const event: ConsoleUploadProgress = {
      vehicleId,
      missionType: p.missionType,
      sent: p.sent,
      total: p.total,
      atMs: p.atMs,
    };
    void departments
      .refresh()
      .then(() => {
        ns.to(audienceRooms(departments.departmentOfVehicle(vehicleId))).emit(
          'mission.upload_progress',
          event,
        );
      })
      .catch(() => {});
  };
}
