/** A camera for the RTSP and WebRTC tests: ffmpeg pushing an H.264 test pattern over RTSP. */
import { type ChildProcess, spawn } from 'node:child_process';

/** Pushes a 1280x720 15 fps test pattern to the server, retrying until its listener is up. */
export function pushTestPattern(rtspUrl: string): ChildProcess {
  let stopped = false;
  let child: ChildProcess;
  const run = () => {
    child = spawn(
      'ffmpeg',
      [
        ...[
          '-hide_banner',
          '-loglevel',
          'error',
          '-re',
          '-f',
          'lavfi',
          '-i',
          'testsrc=size=1280x720:rate=15',
        ],
        ...[
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-g',
          '15',
          '-pix_fmt',
          'yuv420p',
        ],
        ...['-f', 'rtsp', '-rtsp_transport', 'tcp', rtspUrl],
      ],
      { stdio: 'ignore' },
    );
    child.on('exit', () => {
      if (!stopped) setTimeout(run, 300);
    });
  };
  run();
  return {
    kill: () => {
      stopped = true;
      return child.kill('SIGKILL');
    },
  } as ChildProcess;
}
