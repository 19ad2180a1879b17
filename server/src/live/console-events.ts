/**
 * The console channel's event map and payloads live in `@aerie/contracts` (`console.ts`), shared
 * with the web console; re-exported here for the server's live modules.
 */
export {
  CONSOLE_NAMESPACE,
  type ConsoleAck,
  type ConsoleAlertKind,
  type ConsoleClientToServer,
  type ConsoleDockStatus,
  type ConsoleErrorCode,
  type ConsoleFleetItem,
  type ConsoleServerToClient,
  type ConsoleSortieProgress,
  type ConsoleTicketChange,
  type ConsoleUploadProgress,
  type ConsoleVehicleAlert,
  type ConsoleVehicleLink,
  type ConsoleVehicleState,
  FLEET_FIELDS,
  type FleetVehicleSummary,
  MAX_FOCUS,
  RECENT_ALERTS,
  RECENT_ALERTS_PER_VEHICLE,
} from '@aerie/contracts';
