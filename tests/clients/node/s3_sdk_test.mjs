// The AWS SDK for JavaScript v3 (client-s3, lib-storage, client-kinesis) against an S3- and
// Kinesis-compatible endpoint: streamform's engine (run by ../test_s3_node.py), or any other.
//
//   AWS_ENDPOINT_URL=http://127.0.0.1:PORT AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//   AWS_REGION=us-east-1 node --test s3_sdk_test.mjs
//
// AWS_ENDPOINT_URL_KINESIS, when set, sends the Kinesis calls elsewhere (e.g. kinesalite while
// checking these tests against s3rver). SKIP_BAD_SECRET_TEST=1 skips the one test that needs an
// endpoint which checks signatures (s3rver does not).
//
// Only node:test and node:assert: runs on Debian 12's node 18.20 as well as on newer ones.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';

import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (see the header of s3_sdk_test.mjs)`);
  return value;
}

const endpoint = required('AWS_ENDPOINT_URL');
const region = required('AWS_REGION');
const credentials = {
  accessKeyId: required('AWS_ACCESS_KEY_ID'),
  secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
};
// One attempt per call: a retry must not hide an error.
const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true, maxAttempts: 1 });

const MiB = 1024 * 1024;
const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const bucket = `sdk-js-${run}`;
const buckets = [bucket];  // everything created here, removed at the end

function md5Hex(data) {
  return createHash('md5').update(data).digest('hex');
}

function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex');
}

async function getBytes(Bucket, Key, extra = {}) {
  const response = await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));
  return { response, bytes: Buffer.from(await response.Body.transformToByteArray()) };
}

async function listAll(Bucket, Prefix) {
  const keys = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket, Prefix })) {
    for (const object of page.Contents ?? []) keys.push(object.Key);
  }
  return keys;
}

async function emptyBucket(Bucket) {
  const keys = await listAll(Bucket, undefined);
  for (let i = 0; i < keys.length; i += 1000) {
    await s3.send(new DeleteObjectsCommand({
      Bucket,
      Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
    }));
  }
}

// Asserts that `promise` rejects with an S3 error named `name` and HTTP status `status`.
async function rejectsWith(promise, name, status) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.name, name, `${error.name}: ${error.message}`);
    assert.equal(error.$metadata?.httpStatusCode, status);
    return true;
  });
}

describe('S3', () => {
  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  after(async () => {
    for (const name of buckets) {
      try {
        await emptyBucket(name);
        await s3.send(new DeleteBucketCommand({ Bucket: name }));
      } catch {
        // already gone, or the test that failed left it unusable: nothing more to clean
      }
    }
    s3.destroy();
  });

  test('CreateBucket, HeadBucket, ListBuckets', async () => {
    const name = `sdk-js-${run}-second`;
    buckets.push(name);
    const created = await s3.send(new CreateBucketCommand({ Bucket: name }));
    assert.equal(created.$metadata.httpStatusCode, 200);
    const head = await s3.send(new HeadBucketCommand({ Bucket: name }));
    assert.equal(head.$metadata.httpStatusCode, 200);
    const listed = await s3.send(new ListBucketsCommand({}));
    const names = listed.Buckets.map((b) => b.Name);
    assert.ok(names.includes(bucket), `${bucket} not in ${names}`);
    assert.ok(names.includes(name), `${name} not in ${names}`);
    for (const b of listed.Buckets) assert.ok(b.CreationDate instanceof Date, JSON.stringify(b));
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: `sdk-js-${run}-never` })), 'NotFound', 404);
  });

  test('PutObject of a string, read back in full', async () => {
    // A key that needs percent-encoding, signed as S3 signs paths (each byte encoded once).
    const key = 'strings/a key with spaces, ü & +plus.txt';
    const text = 'Grüße aus streamform — ünïcödé text\n'.repeat(100);
    const put = await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: key, Body: text, ContentType: 'text/plain; charset=utf-8',
    }));
    assert.equal(put.ETag, `"${md5Hex(Buffer.from(text))}"`);
    const { response, bytes } = await getBytes(bucket, key);
    assert.equal(bytes.toString('utf8'), text);
    assert.equal(response.ContentLength, Buffer.byteLength(text));
    assert.equal(response.ContentType, 'text/plain; charset=utf-8');
    assert.equal(response.ETag, put.ETag);
  });

  test('PutObject of a Buffer, read back in full and by Range', async () => {
    const key = 'buffers/random.bin';
    const data = randomBytes(3 * MiB + 17);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
    assert.equal(put.ETag, `"${md5Hex(data)}"`);
    const { response, bytes } = await getBytes(bucket, key);
    assert.equal(bytes.length, data.length);
    assert.ok(bytes.equals(data), 'the body read back differs from the one written');
    assert.equal(response.ContentLength, data.length);

    const ranged = await getBytes(bucket, key, { Range: 'bytes=1000-1999' });
    assert.equal(ranged.response.$metadata.httpStatusCode, 206);
    assert.equal(ranged.response.ContentRange, `bytes 1000-1999/${data.length}`);
    assert.equal(ranged.response.ContentLength, 1000);
    assert.ok(ranged.bytes.equals(data.subarray(1000, 2000)), 'the range read back differs');

    const tail = await getBytes(bucket, key, { Range: 'bytes=-100' });
    assert.equal(tail.response.ContentRange, `bytes ${data.length - 100}-${data.length - 1}/${data.length}`);
    assert.ok(tail.bytes.equals(data.subarray(data.length - 100)), 'the suffix range differs');
  });

  test('PutObject of a stream with ContentLength, read back in full', async () => {
    // With a stream body the SDK sends the data aws-chunked (HTTP chunked as well) with
    // x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER and a CRC32 trailer.
    const key = 'streams/one.bin';
    const pieces = Array.from({ length: 10 }, () => randomBytes(200 * 1024 + 3));
    const data = Buffer.concat(pieces);
    const put = await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: key, Body: Readable.from(pieces), ContentLength: data.length,
    }));
    assert.equal(put.ETag, `"${md5Hex(data)}"`);
    const { bytes } = await getBytes(bucket, key);
    assert.equal(bytes.length, data.length);
    assert.ok(bytes.equals(data), 'the body read back differs from the stream written');
  });

  test('HeadObject: metadata, ContentType, ETag, length', async () => {
    const key = 'head/object.json';
    const body = JSON.stringify({ hello: 'world', n: 42 });
    const put = await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: key, Body: body, ContentType: 'application/json',
      Metadata: { color: 'blue', 'owner-id': 'x-17' },
    }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(head.ContentType, 'application/json');
    assert.equal(head.ContentLength, Buffer.byteLength(body));
    assert.equal(head.ETag, put.ETag);
    assert.equal(head.ETag, `"${md5Hex(Buffer.from(body))}"`);
    assert.deepEqual(head.Metadata, { color: 'blue', 'owner-id': 'x-17' });
    assert.ok(head.LastModified instanceof Date);
    await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'head/absent' })), 'NotFound', 404);
  });

  test('ListObjectsV2: prefix and delimiter; paginateListObjectsV2 over more than MaxKeys', async () => {
    const keys = ['tree/a/1', 'tree/a/2', 'tree/b/1', 'tree/top-1', 'tree/top-2', 'other/x'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tree/', Delimiter: '/' }));
    assert.deepEqual((listed.Contents ?? []).map((o) => o.Key), ['tree/top-1', 'tree/top-2']);
    assert.deepEqual((listed.CommonPrefixes ?? []).map((p) => p.Prefix), ['tree/a/', 'tree/b/']);
    assert.equal(listed.KeyCount, 4);
    assert.equal(listed.IsTruncated, false);
    const top = listed.Contents[0];
    assert.equal(top.Size, 'tree/top-1'.length);
    assert.equal(top.ETag, `"${md5Hex(Buffer.from('tree/top-1'))}"`);

    const count = 25;
    const pageKeys = Array.from({ length: count }, (_, i) => `pages/${String(i).padStart(3, '0')}`);
    await Promise.all(pageKeys.map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))));
    const pages = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 10 }, { Bucket: bucket, Prefix: 'pages/' })) {
      pages.push((page.Contents ?? []).map((o) => o.Key));
    }
    assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
    assert.deepEqual(pages.flat(), pageKeys);
  });

  test('CopyObject, then the copy reads back with the source metadata', async () => {
    const source = 'copy/source ü.bin';
    const data = randomBytes(64 * 1024);
    await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: source, Body: data, ContentType: 'application/x-test', Metadata: { origin: 'copy-test' },
    }));
    const copied = await s3.send(new CopyObjectCommand({
      Bucket: bucket, Key: 'copy/target.bin', CopySource: `${bucket}/${source.split("/").map(encodeURIComponent).join("/")}`,
    }));
    assert.equal(copied.CopyObjectResult.ETag, `"${md5Hex(data)}"`);
    const { response, bytes } = await getBytes(bucket, 'copy/target.bin');
    assert.ok(bytes.equals(data), 'the copy differs from its source');
    assert.equal(response.ContentType, 'application/x-test');
    assert.deepEqual(response.Metadata, { origin: 'copy-test' });
  });

  test('DeleteObject and DeleteObjects', async () => {
    const keys = ['del/1', 'del/2', 'del/3', 'del/4'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del/1' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await rejectsWith(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'del/1' })), 'NoSuchKey', 404);
    // Deleting a key that does not exist succeeds, as in S3.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del/never-there' }));

    const many = await s3.send(new DeleteObjectsCommand({
      Bucket: bucket, Delete: { Objects: keys.slice(1).map((Key) => ({ Key })) },
    }));
    assert.deepEqual((many.Deleted ?? []).map((d) => d.Key).sort(), keys.slice(1));
    assert.deepEqual(many.Errors ?? [], []);
    assert.deepEqual(await listAll(bucket, 'del/'), []);
  });

  test('multipart upload of ~20 MiB with lib-storage Upload (5 MiB parts)', async () => {
    const key = 'multipart/big.bin';
    const size = 20 * MiB + 12345;
    const data = randomBytes(size);
    // A stream of 1 MiB pieces: Upload cuts it into parts without knowing the total length.
    const pieces = [];
    for (let at = 0; at < size; at += MiB) pieces.push(data.subarray(at, Math.min(size, at + MiB)));
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: Readable.from(pieces), ContentType: 'application/x-big' },
      partSize: 5 * MiB,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const parts = [];
    upload.on('httpUploadProgress', (progress) => parts.push(progress.part));
    const done = await upload.done();
    assert.equal(done.Key, key);
    assert.match(done.ETag, /^"[0-9a-f]{32}-5"$/);  // 4 parts of 5 MiB and the rest
    assert.equal(new Set(parts).size, 5);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(head.ContentLength, size);
    assert.equal(head.ContentType, 'application/x-big');
    const { bytes } = await getBytes(bucket, key);
    assert.equal(bytes.length, size);
    assert.equal(sha256Hex(bytes), sha256Hex(data));
  });

  test('NoSuchKey and NoSuchBucket arrive as the SDK error classes', async () => {
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing/key' })), (error) => {
      assert.ok(error instanceof NoSuchKey, `${error.name}: ${error.message}`);
      assert.ok(error instanceof S3ServiceException);
      assert.equal(error.$metadata.httpStatusCode, 404);
      return true;
    });
    const absent = `sdk-js-${run}-absent`;
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: absent, Key: 'k' })), (error) => {
      assert.ok(error instanceof NoSuchBucket, `${error.name}: ${error.message}`);
      assert.equal(error.$metadata.httpStatusCode, 404);
      return true;
    });
    await assert.rejects(s3.send(new ListObjectsV2Command({ Bucket: absent })), NoSuchBucket);
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing/key' })), NotFound);
  });

  test('DeleteBucket: refused while not empty, then succeeds', async () => {
    const name = `sdk-js-${run}-doomed`;
    buckets.push(name);
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: 'b/c', Body: 'c' }));
    await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: name })), 'BucketNotEmpty', 409);
    await emptyBucket(name);
    const deleted = await s3.send(new DeleteBucketCommand({ Bucket: name }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: name })), 'NotFound', 404);
    const listed = await s3.send(new ListBucketsCommand({}));
    assert.ok(!listed.Buckets.some((b) => b.Name === name), `${name} still listed`);
  });

  test('a wrong secret key is refused with SignatureDoesNotMatch (403)',
    { skip: process.env.SKIP_BAD_SECRET_TEST === '1' && 'SKIP_BAD_SECRET_TEST=1' }, async () => {
      const forged = new S3Client({
        endpoint, region, forcePathStyle: true, maxAttempts: 1,
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: `${credentials.secretAccessKey}x` },
      });
      try {
        await rejectsWith(forged.send(new ListBucketsCommand({})), 'SignatureDoesNotMatch', 403);
        await rejectsWith(forged.send(new PutObjectCommand({ Bucket: bucket, Key: 'forged', Body: 'no' })),
          'SignatureDoesNotMatch', 403);
      } finally {
        forged.destroy();
      }
      await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'forged' })), 'NotFound', 404);
    });
});

describe('Kinesis', () => {
  // client-kinesis defaults to an HTTP/2 handler (for SubscribeToShard); over http:// that is
  // cleartext HTTP/2, which the engine (HTTP/1.1) does not speak. This is the documented way to
  // use HTTP/1.1 instead.
  const kinesis = new KinesisClient({
    endpoint: process.env.AWS_ENDPOINT_URL_KINESIS || endpoint,
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  const stream = `sdk-js-${run}`;

  after(async () => {
    try {
      await kinesis.send(new DeleteStreamCommand({ StreamName: stream }));
    } catch {
      // never created
    }
    kinesis.destroy();
  });

  test('CreateStream, wait ACTIVE, PutRecord, GetShardIterator, GetRecords', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    let summary;
    for (let attempt = 0; attempt < 200; attempt++) {
      summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream })))
        .StreamDescriptionSummary;
      if (summary.StreamStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(summary.StreamStatus, 'ACTIVE');
    assert.equal(summary.OpenShardCount, 1);

    const data = Buffer.concat([Buffer.from('record from the JS SDK: '), randomBytes(100)]);
    const put = await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'pk-1', Data: data }));
    assert.match(put.SequenceNumber, /^\d+$/);
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({
      StreamName: stream, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON',
    }));
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10 }));
    assert.equal(got.Records.length, 1);
    const [record] = got.Records;
    assert.ok(Buffer.from(record.Data).equals(data), 'the record read back differs');
    assert.equal(record.PartitionKey, 'pk-1');
    assert.equal(record.SequenceNumber, put.SequenceNumber);
    assert.ok(record.ApproximateArrivalTimestamp instanceof Date);
    assert.equal(typeof got.NextShardIterator, 'string');
  });
});
