/**
 * The media store as a local folder (the default, `<dataDir>/media`): one file per key, `/` in a
 * key is a sub-folder. Writes go to a temporary name and are renamed, so a reader never sees half
 * a file under its final name; temporary files are never listed or served.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  checkKey,
  checkRange,
  type MediaObjectInfo,
  type MediaRange,
  type MediaRead,
  type MediaStore,
  MediaStoreError,
  typeOfName,
} from './store.ts';

const TMP = /\.tmp$/;

export class LocalMediaStore implements MediaStore {
  constructor(readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  close(): void {}

  async check(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      throw new MediaStoreError(
        'StoreFailed',
        `media folder ${this.dir} cannot be created: ${(err as Error).message}`,
      );
    }
  }

  /** Where the file of `key` lives (whether or not it exists). */
  pathOf(key: string): string {
    return path.join(this.dir, ...checkKey(key).split('/'));
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<MediaObjectInfo> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return { key, bytes: bytes.byteLength, contentType };
  }

  async putFile(key: string, source: string, contentType: string): Promise<MediaObjectInfo> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await rename(source, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // Another file system: copy under a temporary name, then rename.
      const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
      await copyFile(source, tmp);
      await rename(tmp, file);
      await unlink(source);
    }
    return { key, bytes: (await stat(file)).size, contentType };
  }

  async head(key: string): Promise<MediaObjectInfo | null> {
    try {
      const st = await stat(this.pathOf(key));
      return st.isFile() ? { key, bytes: st.size, contentType: typeOfName(key) } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async get(key: string, range?: MediaRange): Promise<MediaRead | null> {
    const info = await this.head(key);
    if (!info) return null;
    if (range) checkRange(range, info.bytes, key);
    const body = createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
    return { info, range: range ?? null, body };
  }

  async getBytes(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await unlink(file);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    // Folders left empty go (a sortie's video folder after its last segment), up to the root.
    for (let dir = path.dirname(file); dir.startsWith(this.dir + path.sep); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty, or gone
      }
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(path.join(dir, e.name), key);
        } else if (e.isFile() && !TMP.test(e.name) && key.startsWith(prefix)) out.push(key);
      }
    };
    await walk(this.dir, '');
    return out.sort();
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
