"""The S3 API as the real AWS CLI v2 (/usr/bin/aws, 2.9) uses it against a streamform engine:
`aws s3` (mb, cp, ls, rm, sync, rb, presign) and `aws s3api`, with the engine's credentials in
the environment and --endpoint-url. Exit codes: 0 on success, non-zero (1 for `aws s3`, 254 for
`aws s3api` service errors) with the S3 error code on stderr.

Objects are seeded with boto3 where the CLI is not what a test is about (each CLI run costs
about a second of Python start-up)."""
import hashlib
import json
import os
import shutil
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from engine_fixture import start_engine
from s3_support import MiB, multipart_etag, parse_error, random_bytes

CLI_CHUNK = 8 * MiB  # the CLI's default multipart_threshold and multipart_chunksize


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def local_tree(root):
    """{relative path: bytes} of every file under root."""
    files = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            files[os.path.relpath(path, root)] = read(path)
    return files


class AwsCliS3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = start_engine(cls)
        cls.s3 = cls.engine.client("s3")
        cls.addClassCleanup(cls.s3.close)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sf-s3-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    # --- helpers ---------------------------------------------------------------------------

    def aws(self, *args, **kwargs):
        return self.engine.aws(*args, **kwargs)

    def ok(self, *args, **kwargs):
        result = self.aws(*args, **kwargs)
        self.assertEqual(result.returncode, 0, result)
        return result

    def s3api(self, *args, **kwargs):
        return self.ok("s3api", *args, **kwargs).json

    def fails(self, code_text, *args, exit_codes=None, **kwargs):
        result = self.aws(*args, **kwargs)
        self.assertNotEqual(result.returncode, 0, result)
        if exit_codes is not None:
            self.assertIn(result.returncode, exit_codes, result)
        self.assertIn(code_text, result.stderr, result)
        return result

    def bucket(self, name):
        self.s3.create_bucket(Bucket=name)
        return name

    def keys(self, bucket, prefix=""):
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys.extend(o["Key"] for o in page.get("Contents", []))
        return keys

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    @staticmethod
    def ls_lines(output):
        """`aws s3 ls` output as [(kind, size or None, name)]: kind "PRE" or "OBJ"."""
        lines = []
        for line in output.splitlines():
            if not line.strip():
                continue
            stripped = line.strip()
            if stripped.startswith("PRE "):
                lines.append(("PRE", None, stripped[4:]))
            else:
                # "2024-01-01 12:00:00       1234 name with spaces"
                date, clock, size, name = line.split(None, 3)
                lines.append(("OBJ", int(size), name))
        return lines

    # --- aws s3 ------------------------------------------------------------------------------

    def test_mb_cp_ls_rm_small_file(self):
        made = self.ok("s3", "mb", "s3://cli-small")
        self.assertIn("make_bucket: cli-small", made.stdout)
        self.fails("BucketAlreadyOwnedByYou", "s3", "mb", "s3://cli-small")

        data = b"hello, streamform\n" * 100
        write(self.path("up", "small.txt"), data)
        up = self.ok("s3", "cp", self.path("up", "small.txt"), "s3://cli-small/docs/small.txt")
        self.assertIn("upload:", up.stdout)
        head = self.s3.head_object(Bucket="cli-small", Key="docs/small.txt")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], '"' + hashlib.md5(data).hexdigest() + '"')
        self.assertEqual(head["ContentType"], "text/plain", "the CLI guesses the type from .txt")

        buckets = self.ok("s3", "ls").stdout
        self.assertIn("cli-small", [line.split()[-1] for line in buckets.splitlines()])
        listed = self.ls_lines(self.ok("s3", "ls", "s3://cli-small/docs/").stdout)
        self.assertEqual(listed, [("OBJ", len(data), "small.txt")])

        down = self.ok("s3", "cp", "s3://cli-small/docs/small.txt", self.path("down", "small.txt"))
        self.assertIn("download:", down.stdout)
        self.assertEqual(read(self.path("down", "small.txt")), data)

        # stdin/stdout streaming ("-")
        self.ok("s3", "cp", "-", "s3://cli-small/piped.bin", input="piped body\n")
        self.assertEqual(self.s3.get_object(Bucket="cli-small", Key="piped.bin")["Body"].read(), b"piped body\n")

        removed = self.ok("s3", "rm", "s3://cli-small/docs/small.txt")
        self.assertIn("delete: s3://cli-small/docs/small.txt", removed.stdout)
        self.assertEqual(self.keys("cli-small"), ["piped.bin"])
        missing = self.fails("404", "s3", "cp", "s3://cli-small/docs/small.txt", self.path("gone.txt"))
        self.assertFalse(os.path.exists(self.path("gone.txt")), missing)

    def test_cp_large_file_goes_multipart(self):
        self.bucket("cli-large")
        data = random_bytes(40 * MiB + 12345, seed=40)
        write(self.path("large.bin"), data)
        self.ok("s3", "cp", self.path("large.bin"), "s3://cli-large/big/large.bin", timeout=120)
        head = self.s3api("head-object", "--bucket", "cli-large", "--key", "big/large.bin")
        parts = (len(data) + CLI_CHUNK - 1) // CLI_CHUNK
        self.assertEqual(head["ContentLength"], len(data))
        self.assertRegex(head["ETag"], rf'^"[0-9a-f]{{32}}-{parts}"$', "a multipart upload's ETag")
        self.assertEqual(head["ETag"], multipart_etag(data, CLI_CHUNK))
        self.assertEqual(self.s3.list_multipart_uploads(Bucket="cli-large").get("Uploads", []), [],
                         "the completed upload must be gone")

        self.ok("s3", "cp", "s3://cli-large/big/large.bin", self.path("back.bin"), timeout=120)
        back = read(self.path("back.bin"))
        self.assertEqual(len(back), len(data))
        self.assertEqual(sha256(back), sha256(data), "the downloaded bytes differ from the uploaded ones")

    def test_ls_buckets_prefixes_and_recursive(self):
        self.bucket("cli-ls")
        seeded = {"a.txt": b"a", "dir/b.txt": b"bb", "dir/sub/c.txt": b"ccc", "dir/sub/d.txt": b"dddd",
                  "dir2/e.txt": b"eeeee"}
        for key, body in seeded.items():
            self.s3.put_object(Bucket="cli-ls", Key=key, Body=body)

        top = self.ls_lines(self.ok("s3", "ls", "s3://cli-ls").stdout)
        self.assertEqual(sorted(top), sorted([("PRE", None, "dir/"), ("PRE", None, "dir2/"), ("OBJ", 1, "a.txt")]))
        inner = self.ls_lines(self.ok("s3", "ls", "s3://cli-ls/dir/").stdout)
        self.assertEqual(sorted(inner), sorted([("PRE", None, "sub/"), ("OBJ", 2, "b.txt")]))
        # A prefix that is not a "directory": matches the keys and the prefixes that start with it.
        partial = self.ls_lines(self.ok("s3", "ls", "s3://cli-ls/di").stdout)
        self.assertEqual(sorted(partial), sorted([("PRE", None, "dir/"), ("PRE", None, "dir2/")]))
        everything = self.ls_lines(self.ok("s3", "ls", "s3://cli-ls", "--recursive").stdout)
        self.assertEqual(sorted((name, size) for _, size, name in everything),
                         sorted((key, len(body)) for key, body in seeded.items()))
        summary = self.ok("s3", "ls", "s3://cli-ls/dir/", "--recursive", "--summarize").stdout
        self.assertIn("Total Objects: 3", summary)
        self.assertIn("Total Size: 9", summary)

    def test_rm_recursive(self):
        self.bucket("cli-rm")
        for key in ["keep.txt", "tmp/1", "tmp/2", "tmp/deep/3", "tmpx/4"]:
            self.s3.put_object(Bucket="cli-rm", Key=key, Body=key.encode())
        removed = self.ok("s3", "rm", "s3://cli-rm/tmp/", "--recursive")
        self.assertEqual(removed.stdout.count("delete:"), 3, removed)
        self.assertEqual(sorted(self.keys("cli-rm")), ["keep.txt", "tmpx/4"])
        self.ok("s3", "rm", "s3://cli-rm", "--recursive")
        self.assertEqual(self.keys("cli-rm"), [])

    def test_sync_both_directions(self):
        self.bucket("cli-sync")
        source = self.path("src")
        # No empty file: an empty upload can stall the next upload on its connection (see
        # test_s3_boto3's test_empty_put_keeps_the_connection_usable), which would make this flaky.
        tree = {"top.txt": b"top", "a/one.txt": b"one" * 10, "a/b/two.bin": random_bytes(3000, 2),
                "a/b/c/three.txt": b"three", "e/f/g/h/deep.txt": b"deep"}
        for name, body in tree.items():
            write(os.path.join(source, name), body)

        up = self.ok("s3", "sync", source, "s3://cli-sync/backup")
        self.assertEqual(up.stdout.count("upload:"), len(tree), up)
        self.assertEqual(sorted(self.keys("cli-sync")), sorted("backup/" + n for n in tree))
        again = self.ok("s3", "sync", source, "s3://cli-sync/backup")
        self.assertNotIn("upload:", again.stdout, "nothing changed, nothing to upload")

        copy = self.path("copy")
        down = self.ok("s3", "sync", "s3://cli-sync/backup", copy)
        self.assertEqual(down.stdout.count("download:"), len(tree), down)
        self.assertEqual(local_tree(copy), tree)

        # A modified file (new size) goes up alone; --delete removes what is gone locally.
        write(os.path.join(source, "a/one.txt"), b"changed and longer")
        os.remove(os.path.join(source, "top.txt"))
        changed = self.ok("s3", "sync", source, "s3://cli-sync/backup", "--delete")
        self.assertEqual(changed.stdout.count("upload:"), 1, changed)
        self.assertIn("backup/a/one.txt", changed.stdout)
        self.assertEqual(changed.stdout.count("delete:"), 1, changed)
        self.assertEqual(self.s3.get_object(Bucket="cli-sync", Key="backup/a/one.txt")["Body"].read(),
                         b"changed and longer")
        self.assertNotIn("backup/top.txt", self.keys("cli-sync"))

        # And back down: the changed file arrives, the deleted one goes with --delete.
        back = self.ok("s3", "sync", "s3://cli-sync/backup", copy, "--delete")
        self.assertIn("download:", back.stdout)
        expected = dict(tree)
        expected["a/one.txt"] = b"changed and longer"
        del expected["top.txt"]
        self.assertEqual(local_tree(copy), expected)

    def test_rb_non_empty_then_force(self):
        self.bucket("cli-rb")
        self.s3.put_object(Bucket="cli-rb", Key="x/y", Body=b"1")
        self.s3.put_object(Bucket="cli-rb", Key="z", Body=b"2")
        self.fails("BucketNotEmpty", "s3", "rb", "s3://cli-rb")
        self.assertEqual(sorted(self.keys("cli-rb")), ["x/y", "z"], "a refused rb must not delete anything")
        forced = self.ok("s3", "rb", "s3://cli-rb", "--force")
        self.assertIn("remove_bucket: cli-rb", forced.stdout)
        self.fails("404", "s3api", "head-bucket", "--bucket", "cli-rb", exit_codes=(254, 255))

    # --- aws s3api ---------------------------------------------------------------------------

    def test_s3api_buckets(self):
        created = self.s3api("create-bucket", "--bucket", "cli-api-bucket")
        self.assertEqual(created["Location"], "/cli-api-bucket")
        self.assertIsNone(self.ok("s3api", "head-bucket", "--bucket", "cli-api-bucket").json)
        missing = self.fails("404", "s3api", "head-bucket", "--bucket", "cli-api-missing", exit_codes=(254,))
        self.assertIn("Not Found", missing.stderr)
        location = self.s3api("get-bucket-location", "--bucket", "cli-api-bucket")
        self.assertIsNone(location["LocationConstraint"], "us-east-1 has no location constraint")
        listed = self.s3api("list-buckets")
        self.assertIn("cli-api-bucket", [b["Name"] for b in listed["Buckets"]])
        self.assertIn("ID", listed["Owner"])
        self.assertRegex(next(b for b in listed["Buckets"] if b["Name"] == "cli-api-bucket")["CreationDate"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        self.fails("IllegalLocationConstraintException", "s3api", "create-bucket", "--bucket", "cli-api-eu",
                   "--create-bucket-configuration", "LocationConstraint=eu-west-1", exit_codes=(254,))
        self.assertNotIn("cli-api-eu", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])

    def test_s3api_put_head_get_with_metadata_and_range(self):
        self.bucket("cli-api-obj")
        write(self.path("body.json"), b'{"hello": "world", "n": 12345}')
        put = self.s3api("put-object", "--bucket", "cli-api-obj", "--key", "data/doc.json", "--body",
                         self.path("body.json"), "--metadata", "owner=alice,purpose=tests",
                         "--content-type", "application/json", "--cache-control", "no-cache")
        data = read(self.path("body.json"))
        self.assertEqual(put["ETag"], '"' + hashlib.md5(data).hexdigest() + '"')
        head = self.s3api("head-object", "--bucket", "cli-api-obj", "--key", "data/doc.json")
        self.assertEqual(head["Metadata"], {"owner": "alice", "purpose": "tests"})
        self.assertEqual(head["ContentType"], "application/json")
        self.assertEqual(head["CacheControl"], "no-cache")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], put["ETag"])

        got = self.s3api("get-object", "--bucket", "cli-api-obj", "--key", "data/doc.json", "--range", "bytes=2-6",
                         self.path("range.out"))
        self.assertEqual(read(self.path("range.out")), data[2:7])
        self.assertEqual(got["ContentRange"], f"bytes 2-6/{len(data)}")
        self.assertEqual(got["ContentLength"], 5)
        self.assertEqual(got["Metadata"], {"owner": "alice", "purpose": "tests"})
        self.assertEqual(got["ContentType"], "application/json")

        self.fails("NoSuchKey", "s3api", "get-object", "--bucket", "cli-api-obj", "--key", "nope",
                   self.path("nope.out"), exit_codes=(254,))
        self.fails("404", "s3api", "head-object", "--bucket", "cli-api-obj", "--key", "nope", exit_codes=(254,))
        self.fails("InvalidRange", "s3api", "get-object", "--bucket", "cli-api-obj", "--key", "data/doc.json",
                   "--range", "bytes=1000-2000", self.path("bad.out"), exit_codes=(254,))

    def test_s3api_list_objects_v2(self):
        self.bucket("cli-list")
        keys = ["a/1", "a/2", "a/3", "b/1", "b/x/2", "c", "d"]
        for key in keys:
            self.s3.put_object(Bucket="cli-list", Key=key, Body=key.encode())

        grouped = self.s3api("list-objects-v2", "--bucket", "cli-list", "--delimiter", "/")
        self.assertEqual([p["Prefix"] for p in grouped["CommonPrefixes"]], ["a/", "b/"])
        self.assertEqual([o["Key"] for o in grouped["Contents"]], ["c", "d"])
        prefixed = self.s3api("list-objects-v2", "--bucket", "cli-list", "--prefix", "b/", "--delimiter", "/",
                              "--no-paginate")  # the raw response: Prefix and Delimiter included
        self.assertEqual([o["Key"] for o in prefixed["Contents"]], ["b/1"])
        self.assertEqual([p["Prefix"] for p in prefixed["CommonPrefixes"]], ["b/x/"])
        self.assertEqual(prefixed["Prefix"], "b/")
        self.assertEqual(prefixed["Delimiter"], "/")
        self.assertEqual(prefixed["KeyCount"], 2)
        self.assertFalse(prefixed["IsTruncated"])

        first = self.s3api("list-objects-v2", "--bucket", "cli-list", "--max-items", "3", "--page-size", "2")
        self.assertEqual([o["Key"] for o in first["Contents"]], keys[:3])
        self.assertIn("NextToken", first)
        rest = self.s3api("list-objects-v2", "--bucket", "cli-list", "--page-size", "2", "--starting-token",
                          first["NextToken"])
        self.assertEqual([o["Key"] for o in rest["Contents"]], keys[3:])
        self.assertNotIn("NextToken", rest)

        after = self.s3api("list-objects-v2", "--bucket", "cli-list", "--start-after", "b/1", "--no-paginate")
        self.assertEqual([o["Key"] for o in after["Contents"]], ["b/x/2", "c", "d"])
        self.assertEqual(after["KeyCount"], 3)
        self.assertEqual(after["StartAfter"], "b/1")
        empty = self.s3api("list-objects-v2", "--bucket", "cli-list", "--prefix", "zzz", "--no-paginate")
        self.assertNotIn("Contents", empty)
        self.assertEqual(empty["KeyCount"], 0)

    def test_s3api_copy_object_directives(self):
        self.bucket("cli-copy")
        self.s3.put_object(Bucket="cli-copy", Key="src", Body=b"source body", Metadata={"color": "blue"},
                           ContentType="text/x-source")
        copied = self.s3api("copy-object", "--bucket", "cli-copy", "--key", "dst-copy", "--copy-source",
                            "cli-copy/src")
        self.assertEqual(copied["CopyObjectResult"]["ETag"], '"' + hashlib.md5(b"source body").hexdigest() + '"')
        head = self.s3.head_object(Bucket="cli-copy", Key="dst-copy")
        self.assertEqual(head["Metadata"], {"color": "blue"})
        self.assertEqual(head["ContentType"], "text/x-source")

        self.s3api("copy-object", "--bucket", "cli-copy", "--key", "dst-replace", "--copy-source", "cli-copy/src",
                   "--metadata-directive", "REPLACE", "--metadata", "color=red,size=xl", "--content-type",
                   "text/x-replaced")
        head = self.s3.head_object(Bucket="cli-copy", Key="dst-replace")
        self.assertEqual(head["Metadata"], {"color": "red", "size": "xl"})
        self.assertEqual(head["ContentType"], "text/x-replaced")
        self.assertEqual(self.s3.get_object(Bucket="cli-copy", Key="dst-replace")["Body"].read(), b"source body")
        self.fails("NoSuchKey", "s3api", "copy-object", "--bucket", "cli-copy", "--key", "x", "--copy-source",
                   "cli-copy/missing", exit_codes=(254,))

    def test_s3api_delete_objects(self):
        self.bucket("cli-del")
        for key in ["k1", "k2", "k3", "keep"]:
            self.s3.put_object(Bucket="cli-del", Key=key, Body=b"x")
        deleted = self.s3api("delete-objects", "--bucket", "cli-del", "--delete",
                             json.dumps({"Objects": [{"Key": "k1"}, {"Key": "k2"}, {"Key": "k3"}, {"Key": "never"}]}))
        self.assertEqual(sorted(d["Key"] for d in deleted["Deleted"]), ["k1", "k2", "k3", "never"])
        self.assertNotIn("Errors", deleted)
        self.assertEqual(self.keys("cli-del"), ["keep"])
        quiet = self.s3api("delete-objects", "--bucket", "cli-del", "--delete",
                           json.dumps({"Objects": [{"Key": "keep"}], "Quiet": True}))
        self.assertNotIn("Deleted", quiet or {})
        self.assertEqual(self.keys("cli-del"), [])

    def test_s3api_multipart_upload(self):
        self.bucket("cli-mpu")
        part1 = random_bytes(5 * MiB, 51)
        part2 = random_bytes(1234, 52)
        write(self.path("p1"), part1)
        write(self.path("p2"), part2)
        upload = self.s3api("create-multipart-upload", "--bucket", "cli-mpu", "--key", "joined.bin",
                            "--metadata", "kind=joined", "--content-type", "application/x-joined")
        upload_id = upload["UploadId"]
        self.assertEqual(upload["Key"], "joined.bin")
        etag1 = self.s3api("upload-part", "--bucket", "cli-mpu", "--key", "joined.bin", "--upload-id", upload_id,
                           "--part-number", "1", "--body", self.path("p1"))["ETag"]
        etag2 = self.s3api("upload-part", "--bucket", "cli-mpu", "--key", "joined.bin", "--upload-id", upload_id,
                           "--part-number", "2", "--body", self.path("p2"))["ETag"]
        self.assertEqual(etag1, '"' + hashlib.md5(part1).hexdigest() + '"')
        listed = self.s3api("list-parts", "--bucket", "cli-mpu", "--key", "joined.bin", "--upload-id", upload_id)
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for p in listed["Parts"]],
                         [(1, etag1, len(part1)), (2, etag2, len(part2))])
        done = self.s3api("complete-multipart-upload", "--bucket", "cli-mpu", "--key", "joined.bin", "--upload-id",
                          upload_id, "--multipart-upload",
                          json.dumps({"Parts": [{"PartNumber": 1, "ETag": etag1}, {"PartNumber": 2, "ETag": etag2}]}))
        self.assertEqual(done["ETag"], multipart_etag(part1 + part2, 5 * MiB))
        self.assertEqual(done["Key"], "joined.bin")
        got = self.s3.get_object(Bucket="cli-mpu", Key="joined.bin")
        self.assertEqual(got["Body"].read(), part1 + part2)
        self.assertEqual(got["Metadata"], {"kind": "joined"})
        self.assertEqual(got["ContentType"], "application/x-joined")

        aborted = self.s3api("create-multipart-upload", "--bucket", "cli-mpu", "--key", "aborted")["UploadId"]
        self.s3.upload_part(Bucket="cli-mpu", Key="aborted", UploadId=aborted, PartNumber=1, Body=part2)
        self.ok("s3api", "abort-multipart-upload", "--bucket", "cli-mpu", "--key", "aborted", "--upload-id", aborted)
        self.fails("NoSuchUpload", "s3api", "list-parts", "--bucket", "cli-mpu", "--key", "aborted", "--upload-id",
                   aborted, exit_codes=(254,))
        self.assertEqual(self.keys("cli-mpu"), ["joined.bin"], "an aborted upload leaves no object")

    def test_error_exit_codes(self):
        self.bucket("cli-errors")
        self.fails("NoSuchBucket", "s3", "ls", "s3://cli-errors-missing")
        result = self.fails("NoSuchBucket", "s3api", "list-objects-v2", "--bucket", "cli-errors-missing",
                            exit_codes=(254,))
        self.assertIn("The specified bucket does not exist", result.stderr)
        self.fails("NoSuchUpload", "s3api", "abort-multipart-upload", "--bucket", "cli-errors", "--key", "k",
                   "--upload-id", "0" * 32, exit_codes=(254,))
        # A wrong secret: the CLI reports the signature mismatch.
        access, _ = self.engine.credentials
        self.fails("SignatureDoesNotMatch", "s3api", "list-buckets", exit_codes=(254,),
                   env={"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": "not-the-secret"})
        self.fails("InvalidAccessKeyId", "s3", "ls", env={"AWS_ACCESS_KEY_ID": "AKIANOTAKEY0000000",
                                                          "AWS_SECRET_ACCESS_KEY": "x"})

    def test_special_character_keys_round_trip(self):
        self.bucket("cli-keys")
        names = ["with space.txt", "ünïcödé-日本.txt", "plus+sign.txt", "per%cent.txt", "question?.txt",
                 "hash#tag.txt", "a/b/c/nested slash.txt", "mixed +%?#&=;:,@$!'()* .txt"]
        source = self.path("special")
        for i, name in enumerate(names):
            write(os.path.join(source, name), f"body {i} of {name}".encode())
        self.ok("s3", "cp", source, "s3://cli-keys/up/", "--recursive")
        self.assertEqual(sorted(self.keys("cli-keys")), sorted("up/" + n for n in names))

        listed = self.ls_lines(self.ok("s3", "ls", "s3://cli-keys/up/", "--recursive").stdout)
        self.assertEqual(sorted(name for _, _, name in listed), sorted("up/" + n for n in names))
        for _, size, name in listed:
            self.assertEqual(size, len(f"body {names.index(name[3:])} of {name[3:]}".encode()), name)

        back = self.path("back")
        self.ok("s3", "cp", "s3://cli-keys/up/", back, "--recursive")
        self.assertEqual(local_tree(back), local_tree(source))

        # One object by its explicit key, through cp and s3api.
        key = "explicit/ä b+c%d?e#f.bin"
        write(self.path("one.bin"), b"explicit")
        self.ok("s3", "cp", self.path("one.bin"), f"s3://cli-keys/{key}")
        self.assertEqual(self.s3.get_object(Bucket="cli-keys", Key=key)["Body"].read(), b"explicit")
        self.ok("s3", "cp", f"s3://cli-keys/{key}", self.path("one.back"))
        self.assertEqual(read(self.path("one.back")), b"explicit")

    def test_presigned_urls(self):
        self.bucket("cli-presign")
        self.s3.put_object(Bucket="cli-presign", Key="shared/report 1.txt", Body=b"presigned body")
        url = self.ok("s3", "presign", "s3://cli-presign/shared/report 1.txt", "--expires-in", "300").stdout.strip()
        self.assertIn("X-Amz-Signature=", url)
        with urllib.request.urlopen(url, timeout=10) as response:
            self.assertEqual(response.status, 200)
            self.assertEqual(response.read(), b"presigned body")

        # A tampered presigned URL is refused.
        tampered = url.replace("X-Amz-Expires=300", "X-Amz-Expires=301")
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(tampered, timeout=10)
        self.assertEqual(refused.exception.code, 403)
        self.assertEqual(parse_error(refused.exception.read())["Code"], "SignatureDoesNotMatch")

        short = self.ok("s3", "presign", "s3://cli-presign/shared/report 1.txt", "--expires-in", "1").stdout.strip()
        time.sleep(2.2)  # the only way to let a presigned URL expire on a real-clock engine
        with self.assertRaises(urllib.error.HTTPError) as expired:
            urllib.request.urlopen(short, timeout=10)
        self.assertEqual(expired.exception.code, 403)
        error = parse_error(expired.exception.read())
        self.assertIsNotNone(error)
        self.assertEqual(error["Code"], "AccessDenied")
        self.assertEqual(error["Message"], "Request has expired")
        self.assertTrue(error.get("RequestId"))


if __name__ == "__main__":
    unittest.main()
