"""An S3 API server for the tests: moto in server mode, a child process on 127.0.0.1.

``S3Server()`` (the ``s3_server`` fixture of ``tests/test_s3_storage.py``) starts
``moto_server`` on the first free port of ``WAGTAIL_COACHING_TEST_S3_PORTS`` (default
9172-9179), waits until it answers, and is stopped when the test session ends. The private
storage is then django-storages' S3 backend, the one sites use in production, pointed at it.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BUCKET = "coaching-private-test"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "eu-west-3"


def _ports():
    low, _, high = os.environ.get("WAGTAIL_COACHING_TEST_S3_PORTS", "9172-9179").partition("-")
    return range(int(low), int(high or low) + 1)


def _free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class S3Server:
    def __init__(self):
        port = next((p for p in _ports() if _free(p)), None)
        if port is None:
            raise RuntimeError(
                "No free port for the S3 test server in WAGTAIL_COACHING_TEST_S3_PORTS."
            )
        self.endpoint = f"http://127.0.0.1:{port}"
        binary = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("The S3 test server (moto_server) did not start.") from None
                time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def storage_settings(self):
        """``STORAGES["wagtail_coaching"]`` for django-storages' S3 backend on this server."""
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": self.endpoint,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": REGION,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }

    def objects(self):
        """``{key: raw bytes}`` of every object in the bucket, read back as stored."""
        s3 = self.client()
        listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}

    def reset_bucket(self):
        s3 = self.client()
        try:
            s3.create_bucket(
                Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        except s3.exceptions.BucketAlreadyOwnedByYou:
            for key in self.objects():
                s3.delete_object(Bucket=BUCKET, Key=key)
