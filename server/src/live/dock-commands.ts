/**
 * Dock commands from the server: one function that the REST route and the sortie
 * orchestrator share. It checks what the server can check (the dock exists, is bound to a
 * bridge, the bridge is connected, the dock is heard), sends the command through the
 * BridgeHub, records it as a `dock_events` row (kind 'command', code = the result) and
 * answers with the dock's coded reply. It never throws for an expected failure.
 */
import { randomUUID } from 'node:crypto';
import type { CommandReply, DockCommand } from '@aerie/gcs-bridge';
import { eq } from 'drizzle-orm';
import type { BridgeHub } from '../channel/contracts.ts';
import type { Db } from '../db/client.ts';
import { dockEvents, docks } from '../db/schema.ts';
import type { DockStatusSource } from './dock-store.ts';

/** Codes a dock command can fail with before it reaches the dock. */
export type DockCommandUndelivered = 'UnknownDock' | 'NotBound' | 'BridgeOffline' | 'DockOffline' | 'Timeout';

export interface DockCommandOptions {
  /** Who asked (a user id), recorded with the command; null for the orchestrator. */
  userId?: string | null;
  /** Id for logs and the bridge's request; a new UUID when omitted. */
  requestId?: string;
  /** How long to wait for the bridge's answer; the hub's default when omitted. */
  timeoutMs?: number;
}

/** A dock command with its id and outcome: `reply` is the dock's (or the server's) coded answer. */
export interface DockCommandOutcome {
  commandId: string;
  reply: CommandReply;
}

/** Sends one command to a dock; see {@link createDockCommander}. */
export type DockCommander = (
  dockId: string,
  command: DockCommand,
  options?: DockCommandOptions,
) => Promise<DockCommandOutcome>;

const failure = (code: string, message: string): CommandReply => ({ ok: false, error: { code, message } });

/**
 * The dock command function. Failure codes: `UnknownDock` (no such row), `NotBound`,
 * `BridgeOffline`, `DockOffline` (its bridge does not hear it), `Timeout`, `Internal`; otherwise the dock's COMMAND_ACK result as the bridge
 * codes it (`Denied`, `Failed`, `Unsupported`, ...).
 */
export function createDockCommander(deps: {
  db: Db;
  hub: BridgeHub;
  docks: DockStatusSource;
  now: () => number;
  log?: { error(obj: object, msg: string): void };
}): DockCommander {
  const { db, hub } = deps;
  return async (dockId, command, options = {}) => {
    const commandId = options.requestId ?? randomUUID();
    let reply: CommandReply;
    const [dock] = await db
      .select({ id: docks.id, bridgeId: docks.bridgeId, sysid: docks.sysid })
      .from(docks)
      .where(eq(docks.id, dockId));
    if (!dock) return { commandId, reply: failure('UnknownDock', `no dock with id ${dockId}`) };
    try {
      if (dock.bridgeId === null || dock.sysid === null) {
        reply = failure('NotBound', `dock ${dockId} is not bound to a bridge and system id`);
      } else if (!hub.connectedBridgeIds().includes(dock.bridgeId)) {
        reply = failure('BridgeOffline', `the bridge of dock ${dockId} is not connected`);
      } else if (!deps.docks.getDock(dockId).online) {
        reply = failure('DockOffline', `dock ${dockId} is offline (its bridge does not hear it)`);
      } else {
        reply = await hub.request(
          dock.bridgeId,
          'dock.command',
          { requestId: commandId, sysid: dock.sysid, command },
          options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
        );
      }
    } catch (err) {
      deps.log?.error({ err, commandId, dockId }, 'dock command send failed');
      reply = failure('Internal', 'the dock command could not be sent');
    }
    await db.insert(dockEvents).values({
      id: commandId,
      dockId,
      at: new Date(deps.now()),
      kind: 'command',
      code: reply.ok ? 'Accepted' : reply.error.code,
      message: reply.ok ? `${command.action} accepted` : `${command.action}: ${reply.error.message}`,
      dataJson: JSON.stringify({ action: command.action, userId: options.userId ?? null }),
    });
    return { commandId, reply };
  };
}
