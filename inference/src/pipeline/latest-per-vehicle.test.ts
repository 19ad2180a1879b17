import { describe, expect, it } from 'vitest';
import { LatestPerVehicle } from './latest-per-vehicle.ts';

describe('LatestPerVehicle', () => {
  it('keeps only the newest waiting frame per vehicle and counts the replaced ones', () => {
    const q = new LatestPerVehicle<number>(1);
    for (let i = 0; i < 200; i++) q.offer('uav1', i);
    expect(q.waitingCount()).toBe(1);
    expect(q.take(0)).toEqual({ vehicleId: 'uav1', item: 199 });
    q.done('uav1', 'processed');
    expect(q.stats().uav1).toEqual({ submitted: 200, processed: 1, skipped: 199, failed: 0 });
  });

  it('never puts a second frame of a vehicle in flight', () => {
    const q = new LatestPerVehicle<string>(1);
    q.offer('a', 'a1');
    expect(q.take(0)?.item).toBe('a1');
    q.offer('a', 'a2');
    expect(q.take(0)).toBeUndefined();
    q.done('a', 'processed');
    expect(q.take(0)?.item).toBe('a2');
  });

  it('serves vehicles in the order their waiting frames arrived', () => {
    const q = new LatestPerVehicle<string>(1);
    q.offer('a', 'a1');
    q.offer('b', 'b1');
    q.offer('a', 'a2'); // replaces a1, keeps a's place
    expect(q.take(0)?.item).toBe('a2');
    expect(q.take(0)?.item).toBe('b1');
  });

  it('pins each vehicle to one worker, spreading vehicles over workers', () => {
    const q = new LatestPerVehicle<string>(2);
    q.offer('a', 'a1');
    q.offer('b', 'b1');
    expect([q.workerFor('a'), q.workerFor('b')]).toEqual([0, 1]);
    expect(q.take(1)?.item).toBe('b1');
    expect(q.take(1)).toBeUndefined(); // a belongs to worker 0
    expect(q.take(0)?.item).toBe('a1');
  });

  it('counts refused and failed frames', () => {
    const q = new LatestPerVehicle<string>(1);
    q.refuse('a');
    q.offer('a', 'x');
    q.take(0);
    q.done('a', 'failed');
    expect(q.stats().a).toEqual({ submitted: 2, processed: 0, skipped: 0, failed: 2 });
  });

  it('rejects a worker count that is not a positive integer', () => {
    expect(() => new LatestPerVehicle(0)).toThrow(/positive integer, got 0/);
  });
});
