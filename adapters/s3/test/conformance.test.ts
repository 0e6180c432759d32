import { runConformance } from "@ferry/adapter-kit";
import type { S3Client } from "@aws-sdk/client-s3";
import { createBucket, rawClient, removeBucket, testAdapter } from "./server.js";

let admin: S3Client | undefined;
let bucket = "";

runConformance({
  name: "s3 (s3rver)",
  create: async () => {
    admin = rawClient();
    bucket = await createBucket(admin, "conformance");
    return testAdapter(bucket, { prefix: "root/" });
  },
  cleanup: async () => {
    if (admin) {
      await removeBucket(admin, bucket);
      admin.destroy();
    }
  },
});
