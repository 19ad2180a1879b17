/**
 * @aerie/hardware/testing: what other packages' tests use to talk to a simulated vehicle
 * without sockets (the bridge's protocol fault tests run against the simulator through it).
 */

export { redPixels, sceneWithMarker } from '../../camera/testing.ts';
export type { StoredItem } from '../mission-store.ts';
export {
  type Direction,
  type FaultAction,
  type Frame,
  LinkFaults,
  MemoryEnd,
  MemoryLink,
  type MemoryLinkOptions,
  type MessageKind,
  parseFrame,
  type Selection,
  splitFrames,
  type TrafficRecord,
} from './memory-link.ts';
