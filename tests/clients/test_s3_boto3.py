"""The S3 API as boto3 1.26 (botocore 1.29) uses it against a streamform engine: the managed
transfers (multipart, threads), paginators, conditional and ranged reads, batch deletes, copy,
multipart errors, virtual-hosted addressing, presigned URLs, credentials, concurrent writers of
one key, the resource API, and the S3 series of /metrics."""
import concurrent.futures
import datetime
import hashlib
import io
import os
import shutil
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from engine_fixture import start_engine
from s3_support import (MiB, localhost_subdomains, localhost_subdomains_resolve, md5_etag, metric, metrics,
                        multipart_etag, parse_error, random_bytes, recorded_host_headers)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def b64md5(data):
    import base64
    return base64.b64encode(hashlib.md5(data).digest()).decode()


class Boto3S3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.s3 = cls.engine.client("s3", max_pool_connections=16)
        cls.addClassCleanup(cls.s3.close)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sf-s3-boto3-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    # --- helpers ---------------------------------------------------------------------------

    def bucket(self, name):
        self.s3.create_bucket(Bucket=name)
        return name

    def client_error(self, code, status, call, *args, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code, error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status, error)
        return error

    def keys(self, bucket, **kwargs):
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, **kwargs):
            keys.extend(o["Key"] for o in page.get("Contents", []))
        return keys

    def session(self, credentials=None):
        access, secret = credentials or self.engine.credentials
        return boto3.session.Session(aws_access_key_id=access, aws_secret_access_key=secret,
                                     region_name=self.engine.region)

    def put_many(self, bucket, keys, body=lambda key: key.encode()):
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda key: self.s3.put_object(Bucket=bucket, Key=key, Body=body(key)), keys))

    # --- managed transfers -------------------------------------------------------------------

    def test_upload_and_download_file_multipart_with_threads(self):
        self.bucket("b3-transfer")
        data = random_bytes(20 * MiB + 777, seed=20)
        source = os.path.join(self.tmp, "source.bin")
        with open(source, "wb") as f:
            f.write(data)
        config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=6,
                                use_threads=True)
        self.s3.upload_file(source, "b3-transfer", "big/source.bin", Config=config,
                            ExtraArgs={"Metadata": {"origin": "upload_file"}, "ContentType": "application/x-test"})
        head = self.s3.head_object(Bucket="b3-transfer", Key="big/source.bin")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertRegex(head["ETag"], r'^"[0-9a-f]{32}-5"$')
        self.assertEqual(head["ETag"], multipart_etag(data, 5 * MiB))
        self.assertEqual(head["Metadata"], {"origin": "upload_file"})
        self.assertEqual(head["ContentType"], "application/x-test")
        self.assertEqual(self.s3.list_multipart_uploads(Bucket="b3-transfer").get("Uploads", []), [])

        target = os.path.join(self.tmp, "target.bin")
        self.s3.download_file("b3-transfer", "big/source.bin", target, Config=config)  # ranged GETs in parallel
        with open(target, "rb") as f:
            back = f.read()
        self.assertEqual(len(back), len(data))
        self.assertEqual(sha256(back), sha256(data))

    def test_upload_and_download_fileobj(self):
        self.bucket("b3-fileobj")
        config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=3)
        for key, size, parts in [("small", 1000, None), ("medium", 7 * MiB + 3, 2)]:
            data = random_bytes(size, seed=size)
            self.s3.upload_fileobj(io.BytesIO(data), "b3-fileobj", key, Config=config)
            etag = self.s3.head_object(Bucket="b3-fileobj", Key=key)["ETag"]
            if parts:
                self.assertEqual(etag, multipart_etag(data, 5 * MiB))
                self.assertTrue(etag.endswith(f'-{parts}"'), etag)
            else:
                self.assertEqual(etag, md5_etag(data))
            out = io.BytesIO()
            self.s3.download_fileobj("b3-fileobj", key, out, Config=config)
            self.assertEqual(out.getvalue(), data, key)

    # --- listing -----------------------------------------------------------------------------

    def test_list_objects_v2_paginator_over_2500_keys(self):
        self.bucket("b3-many")
        keys = [f"dir{i % 25:02d}/key-{i:05d}" for i in range(2500)]
        self.put_many("b3-many", keys, body=lambda key: b".")  # empty bodies: see test_empty_put_*
        paginator = self.s3.get_paginator("list_objects_v2")

        pages = list(paginator.paginate(Bucket="b3-many", PaginationConfig={"PageSize": 1000}))
        self.assertEqual([page["KeyCount"] for page in pages], [1000, 1000, 500])
        self.assertEqual([page["IsTruncated"] for page in pages], [True, True, False])
        listed = [o["Key"] for page in pages for o in page["Contents"]]
        self.assertEqual(listed, sorted(keys), "every key once, in byte order")
        self.assertTrue(all(o["Size"] == 1 and o["ETag"] == md5_etag(b".") for p in pages for o in p["Contents"]))

        grouped = list(paginator.paginate(Bucket="b3-many", Delimiter="/", PaginationConfig={"PageSize": 10}))
        prefixes = [p["Prefix"] for page in grouped for p in page.get("CommonPrefixes", [])]
        self.assertEqual(prefixes, [f"dir{i:02d}/" for i in range(25)])
        self.assertEqual(len(grouped), 3)
        self.assertFalse(any(page.get("Contents") for page in grouped))

        one_dir = list(paginator.paginate(Bucket="b3-many", Prefix="dir07/", Delimiter="/",
                                          PaginationConfig={"PageSize": 1000}))
        self.assertEqual([o["Key"] for page in one_dir for o in page["Contents"]],
                         sorted(k for k in keys if k.startswith("dir07/")))

        # MaxItems across pages, then resumed with the paginator's token.
        first = paginator.paginate(Bucket="b3-many", PaginationConfig={"PageSize": 300, "MaxItems": 700})
        result = first.build_full_result()
        self.assertEqual([o["Key"] for o in result["Contents"]], sorted(keys)[:700])
        rest = paginator.paginate(Bucket="b3-many", PaginationConfig={"PageSize": 1000,
                                                                      "StartingToken": result["NextToken"]})
        self.assertEqual([o["Key"] for page in rest for o in page["Contents"]], sorted(keys)[700:])

        self.client_error("InvalidArgument", 400, self.s3.list_objects_v2, Bucket="b3-many",
                          ContinuationToken="not-a-token")

    def test_list_with_url_encoding_type(self):
        self.bucket("b3-enc")
        keys = ["enc/a b", "enc/plus+sign", "enc/per%cent", "enc/amp&and", "enc/lt<gt>", "enc/quote\"'",
                "enc/ünï/cödé", "enc/q?h#", "enc/semi;colon=eq", "enc/tilde~star*", "enc/dir x/inner"]
        self.put_many("b3-enc", keys)
        # Asked for explicitly, botocore hands the encoded keys over untouched.
        raw = self.s3.list_objects_v2(Bucket="b3-enc", EncodingType="url", Prefix="enc/")
        self.assertEqual(raw["EncodingType"], "url")
        self.assertEqual(sorted(urllib.parse.unquote_plus(o["Key"]) for o in raw["Contents"]), sorted(keys))
        self.assertNotIn("enc/a b", [o["Key"] for o in raw["Contents"]], "keys must come back URL-encoded")
        for o in raw["Contents"]:
            self.assertNotRegex(o["Key"], r"[ <>&\"'#?\x80-\U0010ffff]", f"{o['Key']!r} is not URL-encoded")
        encoded = {urllib.parse.unquote_plus(o["Key"]): o["Key"] for o in raw["Contents"]}
        self.assertIn("%2B", encoded["enc/plus+sign"], "a literal + must be encoded (a bare + means a space)")
        self.assertIn("%25", encoded["enc/per%cent"])
        grouped = self.s3.list_objects_v2(Bucket="b3-enc", EncodingType="url", Prefix="enc/", Delimiter="/")
        self.assertEqual(sorted(urllib.parse.unquote_plus(p["Prefix"]) for p in grouped["CommonPrefixes"]),
                         ["enc/dir x/", "enc/ünï/"])
        # Without it botocore asks for url anyway and decodes: the keys come back exactly.
        decoded = self.s3.list_objects_v2(Bucket="b3-enc", Prefix="enc/")
        self.assertEqual(sorted(o["Key"] for o in decoded["Contents"]), sorted(keys))
        after = self.s3.list_objects_v2(Bucket="b3-enc", StartAfter="enc/per%cent")
        self.assertEqual([o["Key"] for o in after["Contents"]], sorted(k for k in keys if k > "enc/per%cent"))
        v1 = self.s3.list_objects(Bucket="b3-enc", Prefix="enc/", Delimiter="/")
        self.assertEqual(sorted(p["Prefix"] for p in v1["CommonPrefixes"]), ["enc/dir x/", "enc/ünï/"])
        for key in keys:
            self.assertEqual(self.s3.get_object(Bucket="b3-enc", Key=key)["Body"].read(), key.encode())

    def test_list_objects_v1_with_marker(self):
        self.bucket("b3-v1")
        keys = [f"k{i:02d}" for i in range(10)] + ["p/1", "p/2", "q/1"]
        self.put_many("b3-v1", keys)
        first = self.s3.list_objects(Bucket="b3-v1", MaxKeys=4)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual([o["Key"] for o in first["Contents"]], keys[:4])
        self.assertNotIn("NextMarker", first, "v1 gives NextMarker only with a delimiter")
        second = self.s3.list_objects(Bucket="b3-v1", MaxKeys=4, Marker=first["Contents"][-1]["Key"])
        self.assertEqual(second["Marker"], "k03")
        self.assertEqual([o["Key"] for o in second["Contents"]], keys[4:8])
        self.assertIn("Owner", second["Contents"][0])

        with_delimiter = self.s3.list_objects(Bucket="b3-v1", MaxKeys=11, Delimiter="/")
        self.assertTrue(with_delimiter["IsTruncated"])
        self.assertEqual([p["Prefix"] for p in with_delimiter["CommonPrefixes"]], ["p/"])
        self.assertEqual(with_delimiter["NextMarker"], "p/")
        paged = [o["Key"] for page in self.s3.get_paginator("list_objects").paginate(
            Bucket="b3-v1", PaginationConfig={"PageSize": 3}) for o in page["Contents"]]
        self.assertEqual(paged, sorted(keys))
        # NextMarker "p/" must resume after everything rolled up into "p/": the next page may not
        # list "p/" again (boto3's list_objects paginator, and the CLI v1 `s3 ls`, follow it).
        last = self.s3.list_objects(Bucket="b3-v1", Delimiter="/", Marker=with_delimiter["NextMarker"])
        self.assertEqual([p["Prefix"] for p in last.get("CommonPrefixes", [])], ["q/"],
                         "a CommonPrefix came back again after the marker that named it")
        self.assertFalse(last["IsTruncated"])
        pages = self.s3.get_paginator("list_objects").paginate(Bucket="b3-v1", Delimiter="/",
                                                                 PaginationConfig={"PageSize": 11})
        prefixes = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
        self.assertEqual(prefixes, ["p/", "q/"], "the v1 paginator saw a CommonPrefix twice")

    # --- put / get ---------------------------------------------------------------------------

    def test_put_object_content_md5(self):
        self.bucket("b3-md5")
        body = b"checked body"
        put = self.s3.put_object(Bucket="b3-md5", Key="ok", Body=body, ContentMD5=b64md5(body))
        self.assertEqual(put["ETag"], md5_etag(body))
        error = self.client_error("BadDigest", 400, self.s3.put_object, Bucket="b3-md5", Key="bad", Body=body,
                                  ContentMD5=b64md5(b"another body"))
        self.assertTrue(error["Error"]["Message"])
        self.client_error("NoSuchKey", 404, self.s3.get_object, Bucket="b3-md5", Key="bad")
        # A failed overwrite leaves the old object as it was.
        self.client_error("BadDigest", 400, self.s3.put_object, Bucket="b3-md5", Key="ok", Body=b"replacement",
                          ContentMD5=b64md5(b"not the replacement"))
        self.assertEqual(self.s3.get_object(Bucket="b3-md5", Key="ok")["Body"].read(), body)
        self.assertEqual(self.keys("b3-md5"), ["ok"])

    def test_get_object_conditions(self):
        self.bucket("b3-cond")
        etag = self.s3.put_object(Bucket="b3-cond", Key="c", Body=b"conditional")["ETag"]
        modified = self.s3.head_object(Bucket="b3-cond", Key="c")["LastModified"]
        self.assertEqual(self.s3.get_object(Bucket="b3-cond", Key="c", IfMatch=etag)["Body"].read(), b"conditional")
        self.client_error("PreconditionFailed", 412, self.s3.get_object, Bucket="b3-cond", Key="c",
                          IfMatch='"00000000000000000000000000000000"')
        error = self.client_error("304", 304, self.s3.get_object, Bucket="b3-cond", Key="c", IfNoneMatch=etag)
        self.assertEqual(error["ResponseMetadata"]["HTTPHeaders"].get("etag"), etag)
        self.assertEqual(self.s3.get_object(Bucket="b3-cond", Key="c", IfNoneMatch='"other"')["Body"].read(),
                         b"conditional")
        self.client_error("304", 304, self.s3.get_object, Bucket="b3-cond", Key="c",
                          IfModifiedSince=modified + datetime.timedelta(seconds=5))
        self.assertEqual(self.s3.get_object(Bucket="b3-cond", Key="c",
                                            IfModifiedSince=modified - datetime.timedelta(days=1))["Body"].read(),
                         b"conditional")
        self.client_error("PreconditionFailed", 412, self.s3.get_object, Bucket="b3-cond", Key="c",
                          IfUnmodifiedSince=modified - datetime.timedelta(days=1))
        self.client_error("304", 304, self.s3.head_object, Bucket="b3-cond", Key="c", IfNoneMatch=etag)
        self.client_error("412", 412, self.s3.head_object, Bucket="b3-cond", Key="c", IfMatch='"nope"')

    def test_ranges(self):
        self.bucket("b3-range")
        data = bytes(range(256)) * 4  # 1024 bytes
        self.s3.put_object(Bucket="b3-range", Key="r", Body=data)

        def ranged(spec):
            response = self.s3.get_object(Bucket="b3-range", Key="r", Range=spec)
            return response["ResponseMetadata"]["HTTPStatusCode"], response.get("ContentRange"), response["Body"].read()

        self.assertEqual(ranged("bytes=0-0"), (206, "bytes 0-0/1024", data[:1]))
        self.assertEqual(ranged("bytes=-10"), (206, "bytes 1014-1023/1024", data[-10:]))
        self.assertEqual(ranged("bytes=5-"), (206, "bytes 5-1023/1024", data[5:]))
        self.assertEqual(ranged("bytes=1000-5000"), (206, "bytes 1000-1023/1024", data[1000:]))
        self.assertEqual(ranged("bytes=-5000"), (206, "bytes 0-1023/1024", data))
        self.client_error("InvalidRange", 416, self.s3.get_object, Bucket="b3-range", Key="r", Range="bytes=1024-")
        error = self.client_error("InvalidRange", 416, self.s3.get_object, Bucket="b3-range", Key="r",
                                  Range="bytes=2000-3000")
        self.assertTrue(error["Error"]["Message"])
        head = self.s3.head_object(Bucket="b3-range", Key="r", Range="bytes=10-19")
        self.assertEqual(head["ContentLength"], 10)
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 206)
        # An unparsable Range is ignored, as S3 does: the whole object.
        self.assertEqual(ranged("lines=1-2"), (200, None, data))

    def test_missing_keys_and_buckets(self):
        self.bucket("b3-missing")
        self.client_error("404", 404, self.s3.head_object, Bucket="b3-missing", Key="nope")
        self.client_error("404", 404, self.s3.head_object, Bucket="b3-no-such-bucket", Key="nope")
        error = self.client_error("NoSuchKey", 404, self.s3.get_object, Bucket="b3-missing", Key="a/nope")
        self.assertEqual(error["Error"].get("Key"), "a/nope")
        error = self.client_error("NoSuchBucket", 404, self.s3.get_object, Bucket="b3-no-such-bucket", Key="x")
        self.assertEqual(error["Error"].get("BucketName"), "b3-no-such-bucket")
        self.client_error("404", 404, self.s3.head_bucket, Bucket="b3-no-such-bucket")
        # Deleting a missing key succeeds, as in S3.
        self.assertEqual(self.s3.delete_object(Bucket="b3-missing", Key="nope")["ResponseMetadata"]["HTTPStatusCode"],
                         204)
        self.client_error("BucketAlreadyOwnedByYou", 409, self.s3.create_bucket, Bucket="b3-missing")
        self.client_error("InvalidBucketName", 400, self.s3.create_bucket, Bucket="Upper_Case")

    def test_delete_objects_quiet_and_verbose(self):
        self.bucket("b3-batch")
        self.put_many("b3-batch", [f"d{i}" for i in range(10)])
        verbose = self.s3.delete_objects(Bucket="b3-batch", Delete={
            "Objects": [{"Key": f"d{i}"} for i in range(5)] + [{"Key": "absent"}], "Quiet": False})
        self.assertEqual(sorted(d["Key"] for d in verbose["Deleted"]), ["absent", "d0", "d1", "d2", "d3", "d4"])
        self.assertNotIn("Errors", verbose)
        quiet = self.s3.delete_objects(Bucket="b3-batch", Delete={
            "Objects": [{"Key": f"d{i}"} for i in range(5, 9)], "Quiet": True})
        self.assertNotIn("Deleted", quiet)
        self.assertNotIn("Errors", quiet)
        self.assertEqual(self.keys("b3-batch"), ["d9"])
        self.client_error("NoSuchBucket", 404, self.s3.delete_objects, Bucket="b3-no-batch",
                          Delete={"Objects": [{"Key": "x"}]})

    def test_copy_object_with_conditions(self):
        self.bucket("b3-copy-src")
        self.bucket("b3-copy-dst")
        etag = self.s3.put_object(Bucket="b3-copy-src", Key="src/obj", Body=b"copy me",
                                  Metadata={"m": "1"})["ETag"]
        self.client_error("PreconditionFailed", 412, self.s3.copy_object, Bucket="b3-copy-dst", Key="c1",
                          CopySource={"Bucket": "b3-copy-src", "Key": "src/obj"},
                          CopySourceIfMatch='"ffffffffffffffffffffffffffffffff"')
        self.client_error("PreconditionFailed", 412, self.s3.copy_object, Bucket="b3-copy-dst", Key="c1",
                          CopySource={"Bucket": "b3-copy-src", "Key": "src/obj"}, CopySourceIfNoneMatch=etag)
        self.assertEqual(self.keys("b3-copy-dst"), [], "a failed copy creates nothing")
        copied = self.s3.copy_object(Bucket="b3-copy-dst", Key="c1", CopySource={"Bucket": "b3-copy-src",
                                                                                "Key": "src/obj"},
                                     CopySourceIfMatch=etag)
        self.assertEqual(copied["CopyObjectResult"]["ETag"], etag)
        got = self.s3.get_object(Bucket="b3-copy-dst", Key="c1")
        self.assertEqual(got["Body"].read(), b"copy me")
        self.assertEqual(got["Metadata"], {"m": "1"})
        # A key that needs encoding in x-amz-copy-source, copied onto itself with new metadata.
        self.s3.put_object(Bucket="b3-copy-src", Key="spaced key+ü?", Body=b"odd")
        self.s3.copy_object(Bucket="b3-copy-src", Key="spaced key+ü?", MetadataDirective="REPLACE",
                            Metadata={"v": "2"}, CopySource={"Bucket": "b3-copy-src", "Key": "spaced key+ü?"})
        self.assertEqual(self.s3.head_object(Bucket="b3-copy-src", Key="spaced key+ü?")["Metadata"], {"v": "2"})
        self.client_error("NoSuchKey", 404, self.s3.copy_object, Bucket="b3-copy-dst", Key="c2",
                          CopySource={"Bucket": "b3-copy-src", "Key": "absent"})

    # --- multipart ---------------------------------------------------------------------------

    def test_multipart_errors(self):
        self.bucket("b3-mpu")
        big = random_bytes(5 * MiB, 1)
        small = b"small part"
        upload = self.s3.create_multipart_upload(Bucket="b3-mpu", Key="m")["UploadId"]
        e1 = self.s3.upload_part(Bucket="b3-mpu", Key="m", UploadId=upload, PartNumber=1, Body=big)["ETag"]
        e2 = self.s3.upload_part(Bucket="b3-mpu", Key="m", UploadId=upload, PartNumber=2, Body=small)["ETag"]
        e3 = self.s3.upload_part(Bucket="b3-mpu", Key="m", UploadId=upload, PartNumber=3, Body=small)["ETag"]

        def complete(parts, upload_id=upload):
            return self.s3.complete_multipart_upload(Bucket="b3-mpu", Key="m", UploadId=upload_id,
                                                     MultipartUpload={"Parts": parts})

        self.client_error("InvalidPart", 400, complete, [{"PartNumber": 1, "ETag": e1},
                                                         {"PartNumber": 2, "ETag": md5_etag(b"other")}])
        self.client_error("InvalidPart", 400, complete, [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 4, "ETag": e2}])
        self.client_error("InvalidPartOrder", 400, complete, [{"PartNumber": 2, "ETag": e2},
                                                              {"PartNumber": 1, "ETag": e1}])
        self.client_error("EntityTooSmall", 400, complete, [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2},
                                                            {"PartNumber": 3, "ETag": e3}])
        self.client_error("NoSuchUpload", 404, complete, [{"PartNumber": 1, "ETag": e1}], "f" * 32)
        self.client_error("NoSuchUpload", 404, self.s3.upload_part, Bucket="b3-mpu", Key="m", UploadId="0" * 32,
                          PartNumber=1, Body=b"x")
        self.client_error("NoSuchUpload", 404, self.s3.upload_part, Bucket="b3-mpu", Key="m", UploadId="not-hex",
                          PartNumber=1, Body=b"x")
        self.client_error("NoSuchUpload", 404, self.s3.list_parts, Bucket="b3-mpu", Key="m", UploadId="0" * 32)
        self.client_error("NoSuchUpload", 404, self.s3.abort_multipart_upload, Bucket="b3-mpu", Key="m",
                          UploadId="0" * 32)
        self.client_error("InvalidArgument", 400, self.s3.upload_part, Bucket="b3-mpu", Key="m", UploadId=upload,
                          PartNumber=10001, Body=b"x")
        self.assertEqual(self.keys("b3-mpu"), [], "no failed completion may create the object")

        # The upload survives the failed attempts: a correct completion works.
        listed = self.s3.list_multipart_uploads(Bucket="b3-mpu")
        self.assertEqual([(u["Key"], u["UploadId"]) for u in listed["Uploads"]], [("m", upload)])
        done = complete([{"PartNumber": 1, "ETag": e1}, {"PartNumber": 3, "ETag": e3}])
        self.assertEqual(done["ETag"], multipart_etag(big + small, 5 * MiB))
        got = self.s3.get_object(Bucket="b3-mpu", Key="m")
        self.assertEqual(got["Body"].read(), big + small)
        self.assertEqual(got["ContentLength"], len(big) + len(small))
        self.client_error("NoSuchUpload", 404, complete, [{"PartNumber": 1, "ETag": e1}])

    def test_list_multipart_uploads_pages(self):
        self.s3.create_bucket(Bucket="b3-uploads")
        created = []  # (key, upload id) in the order they began
        for key in ["b", "a/1", "d e", "b", "c/x/1", "a/2", "b", "\u00e9t\u00e9"]:
            upload = self.s3.create_multipart_upload(Bucket="b3-uploads", Key=key)["UploadId"]
            created.append((key, upload))
            time.sleep(0.002)  # distinct start times: one key's uploads list in this order
        expected = sorted(created, key=lambda item: item[0])  # stable: a key's uploads by start

        def listed(**kwargs):
            paginator = self.s3.get_paginator("list_multipart_uploads")
            pages = list(paginator.paginate(Bucket="b3-uploads", **kwargs))
            uploads = [(u["Key"], u["UploadId"]) for p in pages for u in p.get("Uploads", [])]
            prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
            return pages, uploads, prefixes

        for size in (1, 2, 3, 1000):
            pages, uploads, prefixes = listed(PaginationConfig={"PageSize": size})
            self.assertEqual(uploads, expected, size)
            self.assertEqual(prefixes, [])
            self.assertEqual(len(pages), -(-len(expected) // size), size)
            self.assertTrue(all(p["IsTruncated"] for p in pages[:-1]) and not pages[-1]["IsTruncated"])
        # A delimiter groups keys; a group counts as one entry of a page and is listed once.
        for size in (1, 2, 1000):
            _, uploads, prefixes = listed(Delimiter="/", PaginationConfig={"PageSize": size})
            self.assertEqual(prefixes, ["a/", "c/"], size)
            self.assertEqual(uploads, [u for u in expected if "/" not in u[0]], size)
        _, uploads, prefixes = listed(Prefix="c/", Delimiter="/")
        self.assertEqual((uploads, prefixes), ([], ["c/x/"]))
        _, uploads, _ = listed(Prefix="a/")
        self.assertEqual(uploads, [u for u in expected if u[0].startswith("a/")])
        # Markers by hand: after key "b" (all of its uploads), and after b's first upload.
        b_uploads = [u for k, u in expected if k == "b"]
        after_b = self.s3.list_multipart_uploads(Bucket="b3-uploads", KeyMarker="b")
        self.assertEqual([u["Key"] for u in after_b["Uploads"]], ["c/x/1", "d e", "\u00e9t\u00e9"])
        after_first = self.s3.list_multipart_uploads(Bucket="b3-uploads", KeyMarker="b",
                                                     UploadIdMarker=b_uploads[0], MaxUploads=2)
        self.assertEqual([u["UploadId"] for u in after_first["Uploads"]], b_uploads[1:])
        self.assertTrue(after_first["IsTruncated"])
        self.assertEqual((after_first["NextKeyMarker"], after_first["NextUploadIdMarker"]), ("b", b_uploads[2]))
        # upload-id-marker without key-marker is ignored, as in S3.
        ignored = self.s3.list_multipart_uploads(Bucket="b3-uploads", UploadIdMarker=b_uploads[0])
        self.assertEqual(len(ignored["Uploads"]), len(expected))
        # EncodingType=url: keys come back percent-encoded (botocore decodes them only for the
        # object listings, so here the caller does).
        _, uploads, _ = listed(EncodingType="url", PaginationConfig={"PageSize": 3})
        self.assertIn(("%C3%A9t%C3%A9", expected[-1][1]), uploads)
        self.assertEqual([(urllib.parse.unquote_plus(k), u) for k, u in uploads], expected)
        self.client_error("InvalidArgument", 400, self.s3.list_multipart_uploads, Bucket="b3-uploads",
                          MaxUploads=-1)
        for key, upload in created:
            self.s3.abort_multipart_upload(Bucket="b3-uploads", Key=key, UploadId=upload)
        self.assertEqual(self.s3.list_multipart_uploads(Bucket="b3-uploads").get("Uploads", []), [])

    # --- addressing, presigning, credentials ------------------------------------------------

    def test_virtual_hosted_addressing(self):
        endpoint = f"http://localhost:{self.engine.port}"
        hosts, resolved = [], []
        resolvable = localhost_subdomains_resolve()
        # This machine's resolver may not map *.localhost to 127.0.0.1 (no nss-myhostname): then
        # socket.getaddrinfo is patched in-process so that botocore connects to 127.0.0.1 while
        # the Host header it sends stays bucket.localhost:PORT.
        with localhost_subdomains(resolved), recorded_host_headers(hosts):
            client = self.session().client("s3", endpoint_url=endpoint, config=Config(
                s3={"addressing_style": "virtual"}, retries={"total_max_attempts": 1}))
            self.addCleanup(client.close)
            client.create_bucket(Bucket="b3-virtual")
            client.put_object(Bucket="b3-virtual", Key="k/v.txt", Body=b"virtually hosted", Metadata={"a": "b"})
            self.assertEqual(client.get_object(Bucket="b3-virtual", Key="k/v.txt")["Body"].read(),
                             b"virtually hosted")
            listed = client.list_objects_v2(Bucket="b3-virtual")
            self.assertEqual([o["Key"] for o in listed["Contents"]], ["k/v.txt"])
            copied = client.copy_object(Bucket="b3-virtual", Key="copy", CopySource="b3-virtual/k/v.txt")
            self.assertTrue(copied["CopyObjectResult"]["ETag"])
            self.assertIn("b3-virtual", [b["Name"] for b in client.list_buckets()["Buckets"]])
            with self.assertRaises(ClientError) as missing:
                client.get_object(Bucket="b3-virtual", Key="absent")
            self.assertEqual(missing.exception.response["Error"]["Code"], "NoSuchKey")
            client.delete_object(Bucket="b3-virtual", Key="copy")
        port = self.engine.port
        self.assertIn(f"b3-virtual.localhost:{port}", hosts, "botocore must send the bucket in the Host header")
        self.assertIn(f"localhost:{port}", hosts, "ListBuckets goes to the bare endpoint")
        self.assertFalse([h for h in hosts if h not in (f"b3-virtual.localhost:{port}", f"localhost:{port}")], hosts)
        if not resolvable:
            self.assertIn("b3-virtual.localhost", resolved)
        # The engine routed by Host: the object is in the bucket (seen path style), and no bucket
        # was made from the first path segment.
        self.assertEqual(self.s3.get_object(Bucket="b3-virtual", Key="k/v.txt")["Metadata"], {"a": "b"})
        self.assertEqual(self.keys("b3-virtual"), ["k/v.txt"])
        self.assertNotIn("k", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])

    def test_presigned_get_and_put(self):
        self.bucket("b3-presign")
        self.s3.put_object(Bucket="b3-presign", Key="dir/report ü+.txt", Body=b"for your eyes")
        # botocore 1.29 presigns S3 URLs with SigV2 unless told s3v4; the engine takes SigV4 only.
        v2_url = self.s3.generate_presigned_url("get_object", Params={"Bucket": "b3-presign", "Key": "dir/report ü+.txt"})
        self.assertIn("Signature=", v2_url)
        self.assertNotIn("X-Amz-Signature=", v2_url)
        with self.assertRaises(urllib.error.HTTPError) as v2:
            urllib.request.urlopen(v2_url, timeout=10)
        self.assertEqual(v2.exception.code, 403)
        self.assertEqual(parse_error(v2.exception.read())["Code"], "AccessDenied")

        presigner = self.engine.client("s3", signature_version="s3v4")
        self.addCleanup(presigner.close)
        url = presigner.generate_presigned_url("get_object", Params={"Bucket": "b3-presign", "Key": "dir/report ü+.txt"},
                                             ExpiresIn=300)
        with urllib.request.urlopen(url, timeout=10) as response:
            self.assertEqual(response.read(), b"for your eyes")
        overridden = presigner.generate_presigned_url("get_object", ExpiresIn=300, Params={
            "Bucket": "b3-presign", "Key": "dir/report ü+.txt", "ResponseContentType": "text/x-override",
            "ResponseContentDisposition": "attachment; filename=r.txt"})
        with urllib.request.urlopen(overridden, timeout=10) as response:
            self.assertEqual(response.headers["Content-Type"], "text/x-override")
            self.assertEqual(response.headers["Content-Disposition"], "attachment; filename=r.txt")

        put_url = presigner.generate_presigned_url("put_object", Params={"Bucket": "b3-presign", "Key": "uploaded"},
                                                 ExpiresIn=300)
        request = urllib.request.Request(put_url, data=b"uploaded through a presigned URL", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            self.assertEqual(response.status, 200)
            self.assertEqual(response.headers["ETag"], md5_etag(b"uploaded through a presigned URL"))
        self.assertEqual(self.s3.get_object(Bucket="b3-presign", Key="uploaded")["Body"].read(),
                         b"uploaded through a presigned URL")

        # A URL presigned for one key does not open another, nor serve another method.
        other = put_url.replace("/uploaded?", "/other?")
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(other, data=b"x", method="PUT"), timeout=10)
        self.assertEqual(refused.exception.code, 403)
        self.assertEqual(parse_error(refused.exception.read())["Code"], "SignatureDoesNotMatch")
        with self.assertRaises(urllib.error.HTTPError) as wrong_method:
            urllib.request.urlopen(urllib.request.Request(put_url, method="DELETE"), timeout=10)
        self.assertEqual(wrong_method.exception.code, 403)
        self.assertEqual(self.keys("b3-presign"), ["dir/report ü+.txt", "uploaded"])
        # Signed with a secret that is not the engine's.
        forged = self.engine.client("s3", credentials=(self.engine.credentials[0], "wrong-secret"),
                                    signature_version="s3v4")
        self.addCleanup(forged.close)
        bad_url = forged.generate_presigned_url("get_object", Params={"Bucket": "b3-presign", "Key": "uploaded"})
        with self.assertRaises(urllib.error.HTTPError) as bad:
            urllib.request.urlopen(bad_url, timeout=10)
        self.assertEqual(bad.exception.code, 403)
        self.assertEqual(parse_error(bad.exception.read())["Code"], "SignatureDoesNotMatch")

    def test_wrong_secret_and_unknown_access_key(self):
        self.bucket("b3-auth")
        access, _ = self.engine.credentials
        wrong_secret = self.engine.client("s3", credentials=(access, "definitely-not-the-secret"))
        self.addCleanup(wrong_secret.close)
        error = self.client_error("SignatureDoesNotMatch", 403, wrong_secret.list_buckets)
        self.assertEqual(error["Error"].get("AWSAccessKeyId"), access)
        self.assertIn("AWS4-HMAC-SHA256", error["Error"].get("StringToSign", ""))
        self.client_error("SignatureDoesNotMatch", 403, wrong_secret.put_object, Bucket="b3-auth", Key="x", Body=b"x")
        unknown = self.engine.client("s3", credentials=("AKIAUNKNOWNKEY000000", "whatever"))
        self.addCleanup(unknown.close)
        error = self.client_error("InvalidAccessKeyId", 403, unknown.get_object, Bucket="b3-auth", Key="x")
        self.assertEqual(error["Error"].get("AWSAccessKeyId"), "AKIAUNKNOWNKEY000000")
        self.client_error("InvalidAccessKeyId", 403, unknown.put_object, Bucket="b3-auth", Key="x", Body=b"x")
        self.assertEqual(self.keys("b3-auth"), [], "refused puts store nothing")

    # --- keep-alive after bodiless PUTs ---------------------------------------------------------

    def pooled_client(self):
        """A client with one pooled connection and a short read timeout, so that a request that
        hangs on a reused connection shows quickly."""
        client = self.engine.client("s3", read_timeout=4, max_pool_connections=1)
        self.addCleanup(client.close)
        return client

    def test_empty_put_keeps_the_connection_usable(self):
        # botocore sends `Expect: 100-continue` with every put_object, empty bodies included. When
        # the final response comes without a 100 Continue first, botocore 1.29 keeps that status
        # for the connection (AWSConnection.response_class) and misreads the next Expect request
        # on it (boto/botocore#3755). S3 answers 100 Continue here; an engine that does not must
        # at least close the connection.
        self.bucket("b3-empty")
        client = self.pooled_client()
        client.put_object(Bucket="b3-empty", Key="empty", Body=b"")
        client.put_object(Bucket="b3-empty", Key="after", Body=b"after an empty object")
        self.assertEqual(client.get_object(Bucket="b3-empty", Key="after")["Body"].read(), b"after an empty object")
        self.assertEqual(client.get_object(Bucket="b3-empty", Key="empty")["Body"].read(), b"")

    def test_refused_empty_put_keeps_the_connection_usable(self):
        self.bucket("b3-empty-refused")
        client = self.pooled_client()
        self.client_error("NoSuchBucket", 404, client.put_object, Bucket="b3-empty-none", Key="k", Body=b"")
        client.put_object(Bucket="b3-empty-refused", Key="after", Body=b"after a refused empty put")
        self.assertEqual(client.get_object(Bucket="b3-empty-refused", Key="after")["Body"].read(),
                         b"after a refused empty put")

    # --- concurrency -------------------------------------------------------------------------

    def test_concurrent_puts_to_one_key_last_writer_wins(self):
        self.bucket("b3-race")
        bodies = [bytes([65 + i]) * (256 * 1024 + i * 1001) for i in range(8)]  # distinct bytes and lengths
        etags = {md5_etag(b): i for i, b in enumerate(bodies)}
        for round_number in range(3):
            barrier = threading.Barrier(8)
            clients = [self.engine.client("s3") for _ in range(8)]

            def put(i):
                barrier.wait(10)
                return clients[i].put_object(Bucket="b3-race", Key="contended", Body=bodies[i])["ETag"]

            try:
                with concurrent.futures.ThreadPoolExecutor(8) as pool:
                    returned = list(pool.map(put, range(8)))
            finally:
                for client in clients:
                    client.close()
            self.assertEqual(returned, [md5_etag(b) for b in bodies], "every put acknowledged its own body")
            got = self.s3.get_object(Bucket="b3-race", Key="contended")
            data = got["Body"].read()
            self.assertIn(data, bodies, f"round {round_number}: the object is a mix of bodies")
            self.assertEqual(got["ETag"], md5_etag(data), "ETag and body disagree")
            listed = self.s3.list_objects_v2(Bucket="b3-race")["Contents"]
            self.assertEqual(len(listed), 1)
            self.assertEqual((listed[0]["ETag"], listed[0]["Size"]), (md5_etag(data), len(data)),
                             "the listing describes another writer than the one whose body is stored")
            self.assertIn(got["ETag"], etags)

    # --- resource API ------------------------------------------------------------------------

    def test_resource_api(self):
        resource = self.session().resource("s3", endpoint_url=self.engine.endpoint,
                                           config=Config(retries={"total_max_attempts": 1}))
        self.addCleanup(resource.meta.client.close)
        bucket = resource.Bucket("b3-resource")
        bucket.create()
        bucket.wait_until_exists()
        for i in range(5):
            bucket.put_object(Key=f"r/{i}", Body=f"resource {i}".encode())
        obj = resource.Object("b3-resource", "r/3")
        self.assertEqual(obj.get()["Body"].read(), b"resource 3")
        self.assertEqual(obj.content_length, len(b"resource 3"))
        self.assertEqual(obj.e_tag, md5_etag(b"resource 3"))
        self.assertEqual(sorted(o.key for o in bucket.objects.filter(Prefix="r/")), [f"r/{i}" for i in range(5)])
        self.assertEqual(len(list(bucket.objects.page_size(2))), 5)
        resource.Object("b3-resource", "copied").copy_from(CopySource={"Bucket": "b3-resource", "Key": "r/0"})
        self.assertEqual(resource.Object("b3-resource", "copied").get()["Body"].read(), b"resource 0")
        self.assertIn("b3-resource", [b.name for b in resource.buckets.all()])
        deleted = bucket.objects.all().delete()
        self.assertEqual(sum(len(batch["Deleted"]) for batch in deleted), 6)
        bucket.delete()
        bucket.wait_until_not_exists()
        self.assertNotIn("b3-resource", [b.name for b in resource.buckets.all()])

    # --- metrics -----------------------------------------------------------------------------

    def test_metrics(self):
        before = metrics(self.engine)
        self.bucket("b3-metrics")
        bodies = [b"a" * 100, b"b" * 2000, b"c" * 30000]
        for i, body in enumerate(bodies):
            self.s3.put_object(Bucket="b3-metrics", Key=f"m{i}", Body=body)
        self.s3.get_object(Bucket="b3-metrics", Key="m1")["Body"].read()
        self.client_error("NoSuchKey", 404, self.s3.get_object, Bucket="b3-metrics", Key="absent")
        self.client_error("NoSuchKey", 404, self.s3.get_object, Bucket="b3-metrics", Key="absent2")
        self.s3.head_object(Bucket="b3-metrics", Key="m2")
        self.s3.list_objects_v2(Bucket="b3-metrics")
        middle = metrics(self.engine)
        self.assertEqual(metric(middle, "streamform_s3_objects", bucket="b3-metrics"), 3)
        self.assertEqual(metric(middle, "streamform_s3_bytes", bucket="b3-metrics"), sum(map(len, bodies)))

        def delta(values, operation, status):
            return (metric(values, "streamform_s3_requests_total", operation=operation, status=str(status))
                    - metric(before, "streamform_s3_requests_total", operation=operation, status=str(status)))

        self.assertEqual(delta(middle, "CreateBucket", 200), 1)
        self.assertEqual(delta(middle, "PutObject", 200), 3)
        self.assertEqual(delta(middle, "GetObject", 200), 1)
        self.assertEqual(delta(middle, "GetObject", 404), 2)
        self.assertEqual(delta(middle, "HeadObject", 200), 1)
        self.assertEqual(delta(middle, "ListObjectsV2", 200), 1)

        self.s3.delete_object(Bucket="b3-metrics", Key="m2")
        self.s3.put_object(Bucket="b3-metrics", Key="m0", Body=b"shorter")  # overwrite: count stays
        self.client_error("NoSuchBucket", 404, self.s3.put_object, Bucket="b3-metrics-none", Key="k", Body=b"x")
        after = metrics(self.engine)
        self.assertEqual(metric(after, "streamform_s3_objects", bucket="b3-metrics"), 2)
        self.assertEqual(metric(after, "streamform_s3_bytes", bucket="b3-metrics"), len(b"shorter") + 2000)
        self.assertEqual(delta(after, "DeleteObject", 204), 1)
        self.assertEqual(delta(after, "PutObject", 200), 4)
        self.assertEqual(delta(after, "PutObject", 404), 1)
        self.assertNotIn(("streamform_s3_objects", frozenset({("bucket", "b3-metrics-none")})), after)


class Md5Hashing(unittest.TestCase):
    """The engine's --md5 modes give the same ETags: the MD5 lanes (one thread hashing every
    upload in flight) and hashing each upload as it arrives. Many uploads at once, of sizes
    around MD5's block and padding boundaries, single-part and multipart."""

    SIZES = [0, 1, 55, 56, 63, 64, 65, 119, 120, 4095, 65535, 65536, 65537, 300001, 3 * MiB + 17]

    def check_mode(self, mode):
        engine = start_engine(self, "--md5", mode)
        s3 = engine.client("s3", max_pool_connections=16)
        self.addCleanup(s3.close)
        bucket = "md5-" + mode
        s3.create_bucket(Bucket=bucket)
        bodies = {f"k{i}-{size}": random_bytes(size, i) for i, size in enumerate(self.SIZES * 2)}

        def put(item):
            key, body = item
            return key, s3.put_object(Bucket=bucket, Key=key, Body=body)["ETag"]

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            etags = dict(pool.map(put, bodies.items()))
        for key, body in bodies.items():
            self.assertEqual(etags[key], md5_etag(body), key)
            self.assertEqual(s3.head_object(Bucket=bucket, Key=key)["ETag"], md5_etag(body), key)
        # A wrong Content-MD5 is refused and stores nothing, in either mode.
        with self.assertRaises(ClientError) as raised:
            s3.put_object(Bucket=bucket, Key="wrong", Body=b"abc", ContentMD5=b64md5(b"abd"))
        self.assertEqual(raised.exception.response["Error"]["Code"], "BadDigest")
        self.assertNotIn("wrong", [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])])
        # Multipart: parts uploaded by the transfer manager's threads.
        data = random_bytes(21 * MiB, 99)
        config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
        s3.upload_fileobj(io.BytesIO(data), bucket, "multi", Config=config)
        self.assertEqual(s3.head_object(Bucket=bucket, Key="multi")["ETag"], multipart_etag(data, 5 * MiB))
        return metrics(engine)

    def test_lanes(self):
        values = self.check_mode("lanes")
        uploads = len(self.SIZES) * 2 + 5  # the puts and the five parts; not the refused one
        # Every upload went through the hasher: in the lanes, or (when it finished before a
        # lane was free, which a loaded machine can cause) on its own commit thread.
        hashed = (metric(values, "streamform_s3_md5_streams_total") +
                  metric(values, "streamform_s3_md5_overflow_streams_total"))
        self.assertGreaterEqual(hashed, uploads)
        self.assertGreater(metric(values, "streamform_s3_md5_rounds_total"), 0)
        blocks = metric(values, "streamform_s3_md5_lane_blocks_total")
        self.assertGreaterEqual(blocks, metric(values, "streamform_s3_md5_round_blocks_total"))

    def test_on_write(self):
        values = self.check_mode("on-write")
        self.assertFalse([name for name, _ in values if name.startswith("streamform_s3_md5_")])

    def test_unknown_mode_is_refused(self):
        import subprocess
        from engine_fixture import BIN
        with tempfile.TemporaryDirectory() as data:
            run = subprocess.run([BIN, "engine", "run", "--data-dir", data, "--port", "0", "--md5", "fast"],
                                 capture_output=True, text=True, timeout=20)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("--md5", run.stderr + run.stdout)


if __name__ == "__main__":
    unittest.main()
