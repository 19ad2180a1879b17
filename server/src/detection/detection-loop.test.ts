/** The loop's hand-over of each analysed sortie frame (verification flights tally frames). */
import type { FrameMeta, GeoFinding, ImageFinding } from '@aerie/contracts';
import type { FrameOutcome } from '@aerie/inference';
import { describe, expect, it } from 'vitest';
import type { IntakeOutcome } from '../tickets/desk.ts';
import { DetectionLoop } from './detection-loop.ts';

const meta = (sortieId?: string): FrameMeta => ({
  vehicleId: 'veh-1',
  ...(sortieId ? { sortieId } : {}),
  capturedAtMs: 1_000,
  pose: { lat: 30, lon: 120, altMslM: 60, altRelM: 50, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
  gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
  camera: { hfovDeg: 70, width: 1280, height: 720 },
});
const finding: ImageFinding = {
  category: 'construction',
  label: 'excavator',
  score: 0.8,
  box: [620, 340, 40, 40],
  detector: { name: 'test', version: '1', kind: 'image-analysis' },
};
const processed = (m: FrameMeta, findings: ImageFinding[]): FrameOutcome => ({
  status: 'processed',
  frame: m,
  width: 1280,
  height: 720,
  findings,
  errors: [],
  decodeMs: 1,
  detectMs: 1,
});

function loop() {
  const frames: { sortieId: string; findings: GeoFinding[]; bytes: Uint8Array }[] = [];
  const l = new DetectionLoop({
    pipeline: { submit: async () => processed(meta(), []) },
    intake: () => ({ kind: 'ignored', reason: 'NotTicketable' }),
    sortieFrame: (sortieId, findings, frame) => {
      frames.push({ sortieId, findings, bytes: frame.bytes });
      return undefined;
    },
  });
  return { l, frames };
}

describe('sortie frames handed over', () => {
  it('hands every analysed frame of a sortie over with its findings placed on the ground, seen or not', async () => {
    const { l, frames } = loop();
    const jpeg = new Uint8Array([1, 2, 3]);
    await l.handle(processed(meta('sortie-1'), [finding]), jpeg);
    await l.handle(processed(meta('sortie-1'), []), jpeg);
    expect(frames.map((f) => [f.sortieId, f.findings.length])).toEqual([
      ['sortie-1', 1],
      ['sortie-1', 0],
    ]);
    // Straight down from 50 m over (30, 120), a box at the image centre is within metres of it.
    const at = frames[0]!.findings[0]!.location;
    expect(Math.abs(at.lat - 30) * 111_000).toBeLessThan(10);
    expect(Math.abs(at.lon - 120) * 96_000).toBeLessThan(10);
    expect(frames[0]!.bytes).toBe(jpeg);
  });

  it('hands nothing over for frames outside a sortie, or skipped', async () => {
    const { l, frames } = loop();
    await l.handle(processed(meta(), [finding]), new Uint8Array([1]));
    await l.handle({ status: 'skipped', frame: meta('sortie-1') }, new Uint8Array([1]));
    expect(frames).toEqual([]);
  });
});

describe("a ticket's location refined by later frames", () => {
  it("hands the ticket and its track's better fused location to the desk, not every frame", async () => {
    const intakes: GeoFinding[] = [];
    const refines: { ticketId: string; f: GeoFinding }[] = [];
    const l = new DetectionLoop({
      pipeline: { submit: async () => processed(meta(), []) },
      // The desk filed it with a much larger error than the track will reach.
      intake: (f) => {
        intakes.push(f);
        return { kind: 'ticket', ticket: { id: 't-9', errorM: 40 } } as unknown as IntakeOutcome;
      },
      refine: async (ticketId, f) => {
        refines.push({ ticketId, f });
        return null;
      },
    });
    for (let i = 0; i < 6; i++)
      await l.handle(processed({ ...meta(), capturedAtMs: 1_000 + i * 500 }, [finding]), new Uint8Array([1]));
    expect(intakes.map((f) => f.frames)).toEqual([2]);
    expect(refines.length).toBeGreaterThan(0);
    expect(refines[0]).toMatchObject({ ticketId: 't-9', f: { frames: 3 } });
    expect(refines[0]!.f.location.errorM).toBeLessThanOrEqual(40 * 0.8);
    // Each offer must be 20% better than the one before: fewer offers than frames.
    expect(refines.length).toBeLessThan(4);
    for (let i = 1; i < refines.length; i++)
      expect(refines[i]!.f.location.errorM).toBeLessThanOrEqual(refines[i - 1]!.f.location.errorM * 0.8);
  });

  it('a track the desk only attached to a ticket nearby (an occurrence) never moves it', async () => {
    const refines: string[] = [];
    const l = new DetectionLoop({
      pipeline: { submit: async () => processed(meta(), []) },
      intake: () =>
        ({
          kind: 'occurrence',
          ticket: { id: 't-7', errorM: 40 },
          reopened: false,
          distanceM: 12,
        }) as unknown as IntakeOutcome,
      refine: async (ticketId) => {
        refines.push(ticketId);
        return null;
      },
    });
    for (let i = 0; i < 6; i++)
      await l.handle(processed({ ...meta(), capturedAtMs: 1_000 + i * 500 }, [finding]), new Uint8Array([1]));
    expect(l.stats.filed.occurrence).toBe(1);
    expect(refines).toEqual([]);
  });
});
