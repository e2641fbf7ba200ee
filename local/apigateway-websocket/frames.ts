/**
 * Reads the headers of the WebSocket frames a client sends, ahead of `ws`, to enforce what `ws` cannot express: a
 * per-frame limit (32 KB) apart from the per-message limit (128 KB), and refusing binary data before it is buffered.
 * Payload bytes are skipped, not copied. (Compression is never negotiated, so frame lengths are wire lengths.)
 */

export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;

/** A data or control frame's header. */
export interface FrameHeader {
  readonly opcode: number;
  readonly fin: boolean;
  readonly payloadLength: number;
}

/** Splits a client's byte stream into frame headers, calling `onFrame` for each in order. */
export class FrameHeaderReader {
  /** Bytes of the header being read (at most 14). */
  private header = Buffer.alloc(0);
  /** Payload bytes of the current frame still to skip. */
  private payloadToSkip = 0;

  constructor(private readonly onFrame: (frame: FrameHeader) => void) {}

  read(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadToSkip > 0) {
        const skipped = Math.min(this.payloadToSkip, chunk.length - offset);
        this.payloadToSkip -= skipped;
        offset += skipped;
        continue;
      }
      const needed = this.headerLength();
      const taken = Math.min(needed - this.header.length, chunk.length - offset);
      this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + taken)]);
      offset += taken;
      if (this.header.length === this.headerLength()) this.finishHeader();
    }
  }

  /** Length of the current header, as far as the bytes read so far tell (2, then 4/10, plus 4 with a mask). */
  private headerLength(): number {
    if (this.header.length < 2) return 2;
    const second = this.header[1] ?? 0;
    const lengthCode = second & 0x7f;
    const extended = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
    const mask = second & 0x80 ? 4 : 0;
    return 2 + extended + mask;
  }

  private finishHeader(): void {
    const first = this.header[0] ?? 0;
    const lengthCode = (this.header[1] ?? 0) & 0x7f;
    const payloadLength =
      lengthCode === 126
        ? this.header.readUInt16BE(2)
        : lengthCode === 127
        ? Number(this.header.readBigUInt64BE(2))
        : lengthCode;
    this.header = Buffer.alloc(0);
    this.payloadToSkip = payloadLength;
    this.onFrame({ opcode: first & 0x0f, fin: (first & 0x80) !== 0, payloadLength });
  }
}
