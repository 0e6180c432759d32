export { S3Adapter, S3_CAPABILITIES, S3_CAPABILITIES as capabilities, s3 } from "./s3-adapter.js";
export { fromUrl, optionsFromUrl } from "./url.js";
export type { S3AdapterOptions } from "./options.js";
export { multipartEtag, multipartEtagOfStream, candidatePartSizes, type MultipartEtagHasher } from "./multipart-etag.js";
