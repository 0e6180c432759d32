import { PassThrough, pipeline, Readable, Transform } from "node:stream";

/**
 * The upload body as sent: counts bytes for onProgress, and fails (aborting the request) when
 * the source delivers more or fewer bytes than the Content-Length already promised — a server
 * would otherwise wait for the missing bytes forever, or store a truncated file.
 */
export function countedBody(body: Readable, declared: number | undefined, onBytes?: (total: number) => void): Readable & { bytes(): number } {
  let total = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (declared !== undefined && total > declared) return callback(new Error(`the body is longer than its declared ${declared} bytes`));
      onBytes?.(total);
      callback(null, chunk);
    },
    flush(callback) {
      if (declared !== undefined && total !== declared) return callback(new Error(`the body ended after ${total} of ${declared} bytes`));
      callback();
    },
  });
  pipeline(body, counter, () => undefined); // errors surface on `counter`, which the request reads
  return Object.assign(counter, { bytes: () => total });
}

/** Bytes [start, end] (inclusive) of a full-body stream, for servers that ignore Range. */
export function sliceOf(full: Readable, start: number, end: number | undefined): Readable {
  let offset = 0;
  let done = false;
  const slicer = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (done) return callback();
      const from = Math.max(0, start - offset);
      const to = end === undefined ? chunk.length : Math.min(chunk.length, end + 1 - offset);
      offset += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      if (end !== undefined && offset > end) {
        // the rest of the body is not wanted: stop downloading it
        done = true;
        this.push(null);
        full.unpipe(slicer);
        full.destroy();
      }
      callback();
    },
  });
  full.on("error", (e) => slicer.destroy(e));
  full.pipe(slicer);
  return slicer;
}

/** The same bytes, but a failure of `source` arrives as `mapError(e)`, so readers see FerryErrors. */
export function mappedErrors(source: Readable, mapError: (e: unknown) => Error): Readable {
  const out = new PassThrough();
  source.on("error", (e) => out.destroy(mapError(e)));
  // a reader that stops early must not leave the download running
  out.on("close", () => {
    if (!source.destroyed) source.destroy();
  });
  source.pipe(out);
  return out;
}
