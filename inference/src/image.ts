/**
 * The sharp adapter: encoded bytes -> interleaved RGB. Errors name
 * what is wrong with the input (empty, truncated, not an image) rather than sharp's internals
 * alone.
 */
import sharp from 'sharp';
import { checkRgbImage, type RgbImage } from './detector.ts';

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/** Decodes JPEG/PNG/WebP/... bytes to 8-bit sRGB, 3 channels (alpha dropped, grey expanded). */
export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty input (0 bytes)');
  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageDecodeError(`decoded to ${info.channels} channels, expected 3`);
    const img = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
    const bad = checkRgbImage(img);
    if (bad) throw new ImageDecodeError(bad);
    return img;
  } catch (err) {
    if (err instanceof ImageDecodeError) throw err;
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ImageDecodeError(`not a decodable image: ${why}`);
  }
}
