/** Bad input at the decoder: what a broken camera upload or a wrong file looks like. */
import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkRgbImage } from './detector.ts';
import { decodeImage, ImageDecodeError } from './image.ts';
import { loadModels } from './registry.ts';
import { MODELS_DIR, sample } from './test/paths.ts';

/** A PNG whose header claims `width x height` (CRCs left zero: the decoder must refuse it anyway). */
function pngWithSize(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'ascii'), data, Buffer.alloc(4)]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(0))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImage', () => {
  it('decodes a sample JPEG to interleaved RGB of its size', async () => {
    const img = await decodeImage(await readFile(sample('negative', 'street_ground_04.jpg')));
    expect([img.width, img.height, img.data.length]).toEqual([434, 325, 434 * 325 * 3]);
  });

  it('refuses a JPEG cut short, even by only its last bytes', async () => {
    const jpeg = await readFile(sample('construction', 'excavators_site_03.jpg'));
    for (const keep of [Math.floor(jpeg.length / 2), jpeg.length - 200]) {
      await expect(decodeImage(jpeg.subarray(0, keep))).rejects.toThrow(ImageDecodeError);
      await expect(decodeImage(jpeg.subarray(0, keep))).rejects.toThrow(/^not a decodable image: /);
    }
  });

  it('refuses zero bytes and a zero-size picture with what is wrong', async () => {
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow('empty input (0 bytes)');
    await expect(decodeImage(pngWithSize(0, 0))).rejects.toThrow(/^not a decodable image: /);
  });

  it('refuses text', async () => {
    await expect(decodeImage(new TextEncoder().encode('hello'))).rejects.toThrow(
      'not a decodable image: Input buffer contains unsupported image format',
    );
  });
});

describe('detectors on bad pixels', () => {
  it('an ONNX detector refuses a zero-size or inconsistent RgbImage with the sizes involved', async () => {
    expect(checkRgbImage({ data: new Uint8Array(0), width: 0, height: 0 })).toBe(
      'image size 0x0 is not a positive integer size',
    );
    const { loaded } = await loadModels({ modelsDir: MODELS_DIR, only: ['yolox_nano_coco'] });
    const d = loaded[0]!;
    await expect(d.detect({ data: new Uint8Array(0), width: 0, height: 0 }, {})).rejects.toThrow(
      'image size 0x0 is not a positive integer size',
    );
    await expect(d.detect({ data: new Uint8Array(11), width: 2, height: 2 }, {})).rejects.toThrow(
      'image of 2x2 needs 12 RGB bytes, got 11',
    );
    await d.close();
  });
});
