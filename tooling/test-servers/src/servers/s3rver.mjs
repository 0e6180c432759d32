import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { freePort, waitForPort } from "../ports.mjs";
import { spawnGroup } from "../process-group.mjs";

/**
 * s3rver (npm) as the S3 test server. It runs as its own child process rather than in-process so
 * a test run can never share its event loop with the server, and with
 * `--openssl-legacy-provider`: without it s3rver's listing continuation tokens (encrypted with a
 * legacy cipher) fail on Node ≥17 and listings past 1,000 keys break.
 *
 * s3rver differs from S3 where ferry's tests need S3's behaviour, so a small preload
 * (`installS3Compat` below) corrects it inside the server process — see that function.
 *
 * Buckets are not created here: each test creates the buckets it needs, so suites stay
 * independent of each other and of this module.
 */
export const name = "s3";

const require = createRequire(import.meta.url);

export async function start({ dir, log }) {
  const bin = require.resolve("s3rver/bin/s3rver.js");
  const dataDir = path.join(dir, "data");
  fs.mkdirSync(dataDir, { recursive: true });
  const preload = path.join(dir, "s3rver-compat.cjs");
  fs.writeFileSync(preload, `(${installS3Compat.toString()})(require("node:module").createRequire(${JSON.stringify(bin)}));\n`);
  const port = await freePort();
  const server = spawnGroup(
    process.execPath,
    ["--openssl-legacy-provider", "--require", preload, bin, "--directory", dataDir, "--address", "127.0.0.1", "--port", String(port), "--silent"],
    {},
    log,
  );
  try {
    await Promise.race([waitForPort(port, { timeoutMs: 30_000 }), server.exited.then((c) => Promise.reject(new Error(`s3rver exited early (${c})${server.tail()}`)))]);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    env: {
      FERRY_TEST_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      // s3rver accepts exactly this key pair (its built-in account)
      FERRY_TEST_S3_ACCESS_KEY_ID: "S3RVER",
      FERRY_TEST_S3_SECRET_ACCESS_KEY: "S3RVER",
      FERRY_TEST_S3_REGION: "us-east-1",
    },
    stop: () => server.stop(),
  };
}

/**
 * Runs inside the s3rver process (serialised into a `--require` preload, so it must not close
 * over anything) and corrects the places where s3rver 3.7.1 differs from S3:
 *
 * 1. Listing order. s3rver walks its data folder, where `a/x` lives in a directory `a` that
 *    sorts before the file for key `a-b`; S3 lists keys in UTF-8 byte order, and continuation
 *    after a page boundary then skips and repeats keys. Keys are listed here in byte order.
 * 2. `x-amz-copy-source` is decoded with decodeURI, which leaves `%23`, `%2B`, `%3F`… encoded, so
 *    a correctly (fully) encoded source key with `#`, `+` or `?` is not found.
 * 3. AbortMultipartUpload, ListMultipartUploads and UploadPartCopy are missing (405/501);
 *    ferry aborts failed uploads and copies objects above 5 GiB part by part.
 * 4. Ranged GETs: `bytes=0-0` returns the whole object, and any range of an empty object
 *    answers 206 with a Content-Length of 1 and no body (the client then waits forever).
 *    S3 answers 416 InvalidRange for a range that starts at or past the end.
 * 5. DeleteObjects parses its XML trimming and number-converting values (so ` a ` and `007`
 *    name other keys) and deletes in parallel, racing its own empty-folder cleanup; it also
 *    ignores Quiet. Replaced by a sequential, literal version.
 * 6. A key segment longer than the file system's 255-byte names crashed the whole server on
 *    write. Such keys are now refused (KeyTooLongError, 400) or reported missing — a limit of
 *    s3rver's storage, not of S3, so tests with such keys must expect it.
 * 7. UploadPart racing AbortMultipartUpload crashed the whole server: s3rver re-creates the
 *    upload folder, then opens the part file without an error handler, and the abort's removal in
 *    between makes that ENOENT an unhandled 'error' event. A part for an upload that no longer
 *    exists is now NoSuchUpload (as on S3), and a failed part write is an error of that request.
 *
 * The added operations run behind s3rver's own signature check.
 */
function installS3Compat(requireFromS3rver) {
  const fs = requireFromS3rver("fs");
  const path = requireFromS3rver("path");
  const Store = requireFromS3rver("../lib/stores/filesystem.js");
  const S3Object = requireFromS3rver("../lib/models/object.js");
  const S3Error = requireFromS3rver("../lib/models/error.js");
  const objectController = requireFromS3rver("../lib/controllers/object.js");
  const router = requireFromS3rver("../lib/routes.js");
  const authentication = requireFromS3rver("../lib/middleware/authentication.js")();

  const xmlParser = requireFromS3rver("fast-xml-parser");
  const he = requireFromS3rver("he");

  const OBJECT_SUFFIX = "._S3rver_object";
  // file names hold one key segment plus s3rver's longest suffix (`._S3rver_metadata.json`)
  const storable = (key) => key.split("/").every((segment) => Buffer.byteLength(segment) + 22 <= 255);
  const UPLOADS_DIR = "._S3rver_uploads";
  const byteOrder = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

  // Yields every key below dirPath in byte order: a directory `d` holds exactly the keys that
  // start with `d/`, so it is visited at the place `d/` sorts among its siblings.
  function* keysInOrder(dirPath, keyPrefix, visitDir) {
    let dirents;
    try {
      dirents = fs.readdirSync(dirPath, { withFileTypes: true });
    } catch (e) {
      if (e.code === "ENOENT") return;
      throw e;
    }
    const entries = [];
    for (const d of dirents) {
      if (d.isDirectory()) {
        if (keyPrefix === "" && d.name === UPLOADS_DIR) continue;
        entries.push({ sortKey: Buffer.from(`${keyPrefix}${d.name}/`), dir: path.join(dirPath, d.name) });
      } else if (d.name.endsWith(OBJECT_SUFFIX)) {
        entries.push({ sortKey: Buffer.from(keyPrefix + d.name.slice(0, -OBJECT_SUFFIX.length)) });
      }
    }
    entries.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const e of entries) {
      const key = e.sortKey.toString();
      if (e.dir === undefined) yield key;
      else if (visitDir(key)) yield* keysInOrder(e.dir, key, visitDir);
    }
  }

  // 7. UploadPart after (or during) AbortMultipartUpload
  const { pipeline } = requireFromS3rver("stream/promises");
  const { Transform } = requireFromS3rver("stream");
  const { createHash } = requireFromS3rver("crypto");
  Store.prototype.putPart = async function putPart(bucket, uploadId, partNumber, content) {
    const dir = path.join(this.getResourcePath(bucket, undefined, "uploads"), String(uploadId));
    if (!fs.existsSync(dir)) {
      content.resume();
      throw new S3Error("NoSuchUpload", "The specified upload does not exist.", { UploadId: String(uploadId) });
    }
    const partPath = path.join(dir, String(partNumber));
    const md5Context = createHash("md5");
    let size = 0;
    const count = new Transform({
      transform(chunk, _encoding, callback) {
        md5Context.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(content, count, fs.createWriteStream(partPath));
      const md5 = md5Context.digest("hex");
      await fs.promises.writeFile(`${partPath}.md5`, md5);
      return { size, md5 };
    } catch (e) {
      if (e && e.code === "ENOENT") throw new S3Error("NoSuchUpload", "The specified upload does not exist.", { UploadId: String(uploadId) });
      throw e;
    }
  };

  Store.prototype.listObjects = async function listObjects(bucket, options) {
    const { delimiter = "", startAfter = "", prefix = "", maxKeys = Infinity } = options;
    const after = Buffer.from(startAfter);
    // a directory is worth entering when its keys can match the prefix and can sort after startAfter
    const visitDir = (dirKey) =>
      (dirKey.startsWith(prefix) || prefix.startsWith(dirKey)) && (byteOrder(dirKey, startAfter) >= 0 || startAfter.startsWith(dirKey));
    const keys = [];
    const commonPrefixes = new Set();
    let isTruncated = false;
    for (const key of keysInOrder(this.getBucketPath(bucket), "", visitDir)) {
      if (!key.startsWith(prefix) || Buffer.compare(Buffer.from(key), after) <= 0) continue;
      if (delimiter) {
        const idx = key.indexOf(delimiter, prefix.length);
        if (idx !== -1) {
          const common = key.slice(0, idx + delimiter.length);
          // continuing after a common prefix must not report it again
          if (common !== startAfter) commonPrefixes.add(common);
          continue;
        }
      }
      if (keys.length < maxKeys) keys.push(key);
      else {
        isTruncated = true;
        break;
      }
    }
    const metadata = await Promise.all(
      keys.map((key) =>
        this.getMetadata(bucket, key).catch((err) => {
          if (err.code === "ENOENT") return undefined;
          throw err;
        }),
      ),
    );
    return {
      objects: keys.flatMap((key, i) => (metadata[i] === undefined ? [] : [new S3Object(bucket, key, null, metadata[i])])),
      commonPrefixes: [...commonPrefixes].sort(byteOrder),
      isTruncated,
    };
  };

  const getObject = Store.prototype.getObject;
  Store.prototype.getObject = async function getRange(bucket, key, options) {
    if (!options || options.start === undefined) return getObject.call(this, bucket, key, options);
    let meta;
    try {
      meta = await this.getMetadata(bucket, key);
    } catch (err) {
      if (err.code === "ENOENT") return null;
      throw err;
    }
    const start = options.start;
    const end = Math.min(options.end ?? Infinity, Number(meta["content-length"]) - 1);
    let content = null;
    if (start >= 0 && start <= end) {
      content = await new Promise((resolve, reject) => {
        const stream = fs
          .createReadStream(this.getResourcePath(bucket, key, "object"), { start, end })
          .on("error", reject)
          .on("open", () => resolve(stream));
      });
    }
    // without content the controller answers InvalidRange
    const object = new S3Object(bucket, key, content, meta);
    object.range = { start, end };
    return object;
  };

  // bucket/key from an `x-amz-copy-source` value, decoded fully as S3 does
  function parseCopySource(value) {
    const raw = value.split("?")[0].replace(/^\//, "");
    const slash = raw.indexOf("/");
    return { bucket: decodeURIComponent(raw.slice(0, slash)), key: decodeURIComponent(raw.slice(slash + 1)) };
  }

  const putObjectCopy = objectController.putObjectCopy;
  objectController.putObjectCopy = (ctx) => {
    const { bucket, key } = parseCopySource(ctx.headers["x-amz-copy-source"]);
    // re-encoded so that s3rver's decodeURI yields exactly bucket/key
    ctx.headers["x-amz-copy-source"] = `${bucket}/${key}`.replace(/%/g, "%25");
    return putObjectCopy(ctx);
  };

  objectController.deleteMultipleObjects = async function deleteMultipleObjects(ctx) {
    const xml = await new Promise((resolve, reject) => {
      const chunks = [];
      ctx.req.on("data", (c) => chunks.push(c));
      ctx.req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      ctx.req.on("error", reject);
    });
    const malformed = () =>
      new S3Error("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");
    if (xmlParser.validate(xml) !== true) throw malformed();
    const body = xmlParser.parse(xml, { trimValues: false, parseNodeValue: false, tagValueProcessor: (v) => he.decode(v) });
    if (!body.Delete || !body.Delete.Object) throw malformed();
    const keys = [].concat(body.Delete.Object).map((o) => String(o.Key ?? ""));
    const quiet = String(body.Delete.Quiet ?? "").trim() === "true";
    for (const key of keys) {
      if (storable(key) && (await ctx.store.existsObject(ctx.params.bucket, key))) await ctx.store.deleteObject(ctx.params.bucket, key);
    }
    ctx.body = {
      DeleteResult: {
        "@": { xmlns: "http://s3.amazonaws.com/doc/2006-03-01/" },
        ...(quiet ? {} : { Deleted: keys.map((k) => ({ Key: k })) }),
      },
    };
  };

  const uploadDir = (store, bucket, uploadId) => path.join(store.getResourcePath(bucket, undefined, "uploads"), uploadId);

  async function requireUpload(store, bucket, uploadId) {
    if (!/^[0-9a-f]+$/.test(String(uploadId)) || !fs.existsSync(uploadDir(store, bucket, uploadId))) {
      throw new S3Error("NoSuchUpload", "The specified upload does not exist.", { UploadId: String(uploadId) });
    }
  }

  async function abortMultipartUpload(ctx, bucket) {
    await requireUpload(ctx.store, bucket, ctx.query.uploadId);
    fs.rmSync(uploadDir(ctx.store, bucket, ctx.query.uploadId), { recursive: true, force: true });
    ctx.status = 204;
  }

  async function listMultipartUploads(ctx, bucket) {
    const root = ctx.store.getResourcePath(bucket, undefined, "uploads");
    const prefix = ctx.query.prefix ?? "";
    const uploads = [];
    for (const uploadId of fs.existsSync(root) ? fs.readdirSync(root).sort() : []) {
      const dir = path.join(root, uploadId);
      let key;
      try {
        key = fs.readFileSync(path.join(dir, "key"), "utf8");
      } catch {
        continue;
      }
      if (!key.startsWith(prefix)) continue;
      uploads.push({ Key: key, UploadId: uploadId, Initiated: fs.statSync(dir).birthtime.toISOString() });
    }
    uploads.sort((a, b) => byteOrder(a.Key, b.Key));
    ctx.body = {
      ListMultipartUploadsResult: {
        "@": { xmlns: "http://s3.amazonaws.com/doc/2006-03-01/" },
        Bucket: bucket,
        KeyMarker: "",
        UploadIdMarker: "",
        Prefix: prefix,
        MaxUploads: 1000,
        IsTruncated: false,
        Upload: uploads,
      },
    };
  }

  async function uploadPartCopy(ctx, bucket) {
    const { uploadId, partNumber } = ctx.query;
    await requireUpload(ctx.store, bucket, uploadId);
    const source = parseCopySource(ctx.headers["x-amz-copy-source"]);
    if (!(await ctx.store.getBucket(source.bucket))) {
      throw new S3Error("NoSuchBucket", "The specified bucket does not exist", { BucketName: source.bucket });
    }
    let meta;
    try {
      meta = await ctx.store.getMetadata(source.bucket, source.key);
    } catch {
      throw new S3Error("NoSuchKey", "The specified key does not exist.", { Key: source.key });
    }
    const ifMatch = ctx.headers["x-amz-copy-source-if-match"];
    if (ifMatch && ifMatch.replace(/"/g, "") !== meta.etag.replace(/"/g, "")) {
      throw new S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {
        Condition: "x-amz-copy-source-If-Match",
      });
    }
    const size = Number(meta["content-length"]);
    let start = 0;
    let end = size - 1;
    const range = /^bytes=(\d+)-(\d+)$/.exec(ctx.headers["x-amz-copy-source-range"] ?? "");
    if (range) {
      start = Number(range[1]);
      end = Number(range[2]);
      if (start > end || end >= size) throw new S3Error("InvalidRange", "The requested range is not satisfiable");
    }
    const body = fs.createReadStream(ctx.store.getResourcePath(source.bucket, source.key, "object"), { start, end });
    const { md5 } = await ctx.store.putPart(bucket, uploadId, partNumber, body);
    ctx.body = { CopyPartResult: { LastModified: new Date().toISOString(), ETag: JSON.stringify(md5) } };
  }

  // Runs before s3rver's router: the three operations it lacks, behind its signature check.
  async function missingOperations(ctx, next) {
    const match = /^\/([^/]+)(?:\/(.*))?$/.exec(ctx.path);
    if (!match) return next();
    const bucket = decodeURIComponent(match[1]);
    const key = match[2] ? decodeURIComponent(match[2]) : undefined;
    if (key && !storable(key)) {
      if (ctx.method === "GET" || ctx.method === "HEAD") throw new S3Error("NoSuchKey", "The specified key does not exist.", { Key: key });
      if (ctx.method === "DELETE") {
        ctx.status = 204;
        return;
      }
      throw new S3Error("KeyTooLongError", "Your key is too long (s3rver keeps each key segment as a file name)");
    }
    let operation;
    if (key && ctx.method === "DELETE" && "uploadId" in ctx.query) operation = abortMultipartUpload;
    else if (!key && ctx.method === "GET" && "uploads" in ctx.query) operation = listMultipartUploads;
    else if (key && ctx.method === "PUT" && "uploadId" in ctx.query && "x-amz-copy-source" in ctx.headers) operation = uploadPartCopy;
    else return next();
    ctx.params = { bucket, key };
    await authentication(ctx, async () => {
      if (!(await ctx.store.getBucket(bucket))) {
        throw new S3Error("NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });
      }
      await operation(ctx, bucket);
    });
  }

  const routes = router.routes.bind(router);
  router.routes = function compatRoutes() {
    const routed = routes();
    return (ctx, next) => missingOperations(ctx, () => routed(ctx, next));
  };
}
