import { describe, expect, it } from 'vitest';
import { formatLinkUri, type LinkSpec, parseLinkUri } from './uri.ts';

describe('parseLinkUri', () => {
  const good: [string, LinkSpec][] = [
    ['udpin://0.0.0.0:14550', { kind: 'udpin', host: '0.0.0.0', port: 14550 }],
    ['udpin://127.0.0.1:0', { kind: 'udpin', host: '127.0.0.1', port: 0 }],
    ['udpout://127.0.0.1:18570', { kind: 'udpout', host: '127.0.0.1', port: 18570 }],
    ['UDPOUT://px4-sitl.local:18570', { kind: 'udpout', host: 'px4-sitl.local', port: 18570 }],
    ['tcp://10.0.0.5:5760', { kind: 'tcp', host: '10.0.0.5', port: 5760 }],
    ['tcpin://[::1]:5760', { kind: 'tcpin', host: '::1', port: 5760 }],
    ['serial:///dev/ttyUSB0', { kind: 'serial', path: '/dev/ttyUSB0', baud: 57600 }],
    ['serial:///dev/ttyACM0?baud=921600', { kind: 'serial', path: '/dev/ttyACM0', baud: 921600 }],
    [
      'serial:///dev/serial/by-id/usb-3D_Robotics%20Radio?baud=115200',
      { kind: 'serial', path: '/dev/serial/by-id/usb-3D_Robotics Radio', baud: 115200 },
    ],
    ['tlog:///var/log/aerie/flight.tlog', { kind: 'tlog', path: '/var/log/aerie/flight.tlog', speed: 1 }],
    ['tlog:///tmp/a.tlog?speed=0', { kind: 'tlog', path: '/tmp/a.tlog', speed: 0 }],
    ['tlog:///tmp/a.tlog?speed=2.5', { kind: 'tlog', path: '/tmp/a.tlog', speed: 2.5 }],
  ];
  it.each(good)('%s', (uri, spec) => {
    const r = parseLinkUri(uri);
    expect(r).toEqual({ ok: true, value: spec });
    // The canonical form reads back to the same spec.
    expect(parseLinkUri(formatLinkUri(spec))).toEqual({ ok: true, value: spec });
  });

  const bad: [string, RegExp][] = [
    ['', /not a URI/],
    ['14550', /not a URI/],
    ['udp://127.0.0.1:14550', /unknown scheme "udp".*udpin, udpout/],
    ['http://example.com:80', /unknown scheme "http"/],
    ['udpin://127.0.0.1', /missing port/],
    ['udpin://127.0.0.1:', /missing port/],
    ['udpin://:14550', /missing host/],
    ['udpout://127.0.0.1:abc', /invalid port "abc"/],
    ['udpout://127.0.0.1:70000', /invalid port 70000/],
    ['udpout://127.0.0.1:-1', /invalid port "-1"/],
    ['udpout://127.0.0.1:0', /port 0 is only valid for listening links/],
    ['tcp://127.0.0.1:0', /port 0 is only valid/],
    ['tcp://::1:5760', /IPv6 addresses must be written in brackets/],
    ['tcp://[::1:5760', /closing "\]"/],
    ['tcp://host:5760/path', /unexpected path "\/path"/],
    ['tcp://host:5760?baud=9600', /unknown option "baud"/],
    ['serial://dev/ttyUSB0', /absolute path with three slashes/],
    ['serial:///dev/ttyUSB0?baud=fast', /invalid baud "fast"/],
    ['serial:///dev/ttyUSB0?baud=0', /invalid baud "0"/],
    ['serial:///dev/ttyUSB0?baud=-9600', /invalid baud "-9600"/],
    ['serial:///dev/ttyUSB0?speed=2', /unknown option "speed"/],
    ['serial:///dev/', /does not name a file/],
    ['tlog:///tmp/a.tlog?speed=-1', /invalid speed "-1"/],
    ['tlog:///tmp/a.tlog?speed=', /invalid speed ""/],
    ['tlog://relative/a.tlog', /absolute path/],
  ];
  it.each(bad)('rejects %j', (uri, message) => {
    const r = parseLinkUri(uri);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('BadUri');
    expect(r.error.message).toContain(`"${uri}"`);
    expect(r.error.message).toMatch(message);
  });
});
