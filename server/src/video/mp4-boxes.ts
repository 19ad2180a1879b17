/**
 * Splits a fragmented MP4 byte stream (ffmpeg `-movflags empty_moov+default_base_moof+
 * frag_every_frame`) into its init segment (ftyp + moov) and its media fragments (moof + mdat),
 * whatever the chunking of the pipe it arrives on.
 */
export interface Mp4Pieces {
  init?: Uint8Array;
  fragments: Uint8Array[];
}

export class Mp4Splitter {
  private buf: Buffer = Buffer.alloc(0);
  private pendingInit: Buffer[] = [];
  private pendingFrag: Buffer[] = [];

  /** Feeds bytes; returns the init segment (once complete) and every completed fragment. */
  push(chunk: Uint8Array): Mp4Pieces {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: Mp4Pieces = { fragments: [] };
    while (this.buf.length >= 8) {
      let size = this.buf.readUInt32BE(0);
      let header = 8;
      if (size === 1) {
        if (this.buf.length < 16) break;
        size = Number(this.buf.readBigUInt64BE(8));
        header = 16;
      }
      if (size < header) throw new Error(`mp4: box of impossible size ${size}`);
      if (this.buf.length < size) break;
      const type = this.buf.toString('latin1', 4, 8);
      const box = this.buf.subarray(0, size);
      this.buf = this.buf.subarray(size);
      if (type === 'ftyp' || type === 'moov') {
        this.pendingInit.push(box);
        if (type === 'moov') {
          out.init = Buffer.concat(this.pendingInit);
          this.pendingInit = [];
        }
      } else if (type === 'moof') {
        this.pendingFrag = [box];
      } else if (type === 'mdat') {
        this.pendingFrag.push(box);
        out.fragments.push(Buffer.concat(this.pendingFrag));
        this.pendingFrag = [];
      }
      // styp, sidx, free, mfra: nothing a live viewer needs.
    }
    return out;
  }
}
