/** For the video tests: an MP4 box of the given type around the given bytes. */
export function box(type: string, body: number[]): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b.writeUInt32BE(b.length, 0);
  b.write(type, 4, 'latin1');
  Buffer.from(body).copy(b, 8);
  return b;
}
