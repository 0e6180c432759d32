import { createHash } from "node:crypto";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { WriteOptions } from "@ferry/core";

export interface ReceivedBody {
  body: Buffer;
  md5: string;
}

/**
 * Drains a body into one Buffer, hashing and counting as it goes. Nothing is visible in the
 * store until this resolves, which is what makes memory writes atomic; an abort or a failing
 * body rejects and the chunks are dropped.
 */
export async function receiveBody(body: Readable, options: WriteOptions = {}): Promise<ReceivedBody> {
  const chunks: Buffer[] = [];
  const md5 = createHash("md5");
  let received = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      md5.update(chunk);
      received += chunk.length;
      options.onProgress?.(received);
      done();
    },
  });
  await pipeline(body, sink, options.signal ? { signal: options.signal } : {});
  return { body: Buffer.concat(chunks, received), md5: md5.digest("hex") };
}
